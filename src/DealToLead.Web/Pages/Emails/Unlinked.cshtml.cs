using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Mail;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Emails;

public class UnlinkedModel(CrmDbContext db, CurrentUser currentUser, UnlinkedEmails unlinked, IStringLocalizer<EmailsText> text) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;
    public bool HasNextPage { get; private set; }

    public List<ReceivedMessage> Unlinked { get; private set; } = [];
    public List<ReceivedMessage> Quarantined { get; private set; } = [];
    public List<(int Id, string Title)> Deals { get; private set; } = [];
    public List<(Guid Id, string Title)> Leads { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        PageNumber = Math.Clamp(PageNumber, 1, 10_000);
        Unlinked = await unlinked.Unlinked().Skip((PageNumber - 1) * PageSize).Take(PageSize + 1).ToListAsync(cancellationToken);
        HasNextPage = Unlinked.Count > PageSize;
        Unlinked = Unlinked.Take(PageSize).ToList();
        Quarantined = await unlinked.Quarantined(access).Take(PageSize).ToListAsync(cancellationToken);
        Deals = (await db.Deals.AsNoTracking().EditableBy(access).Where(d => d.Status == DealStatus.Open).OrderByDescending(d => d.UpdatedAt).Take(200)
            .Select(d => new { d.Id, d.Title }).ToListAsync(cancellationToken)).Select(d => (d.Id, d.Title)).ToList();
        Leads = (await db.Leads.AsNoTracking().EditableBy(access).Where(l => !l.IsArchived).OrderByDescending(l => l.CreatedAt).Take(200)
            .Select(l => new { l.Id, l.Title }).ToListAsync(cancellationToken)).Select(l => (l.Id, l.Title)).ToList();
    }

    /// <param name="target">"deal-12" or "lead-&lt;guid&gt;", from the select.</param>
    public async Task<IActionResult> OnPostLinkAsync(long id, string? target, CancellationToken cancellationToken)
    {
        ItemParent parent = target switch
        {
            { } t when t.StartsWith("deal-", StringComparison.Ordinal) && int.TryParse(t[5..], out var dealId) => ItemParent.Deal(dealId),
            { } t when t.StartsWith("lead-", StringComparison.Ordinal) && Guid.TryParse(t[5..], out var leadId) => ItemParent.Lead(leadId),
            _ => default,
        };
        var result = await unlinked.LinkAsync(await currentUser.RequireAccessAsync(cancellationToken), id, parent, cancellationToken);
        return result.ToPage(this, text["Email linked."], () => RedirectToPage(new { p = PageNumber }));
    }
}
