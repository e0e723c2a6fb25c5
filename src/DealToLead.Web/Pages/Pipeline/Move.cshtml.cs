using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Pipeline;

/// <summary>
/// The stage picker behind a board card's "Move" link: the keyboard and no-script path. With script the board opens its
/// Move to dialog instead; a form on every card made the board too slow to render. The form posts to the board's Move handler.
/// </summary>
public class MoveModel(CrmDbContext db, CurrentUser currentUser) : PageModel
{
    public UserAccess Access { get; private set; } = null!;
    public Deal Deal { get; private set; } = null!;
    public List<Core.Crm.Pipeline> Pipelines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(int dealId)
    {
        Access = await currentUser.RequireAccessAsync();
        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId);
        if (deal is null || !Access.CanSee(deal))
        {
            return NotFound();
        }

        if (!Access.CanEdit(deal))
        {
            return Forbid();
        }

        Deal = deal;
        Pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr))
            .OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ToListAsync();
        return Page();
    }
}
