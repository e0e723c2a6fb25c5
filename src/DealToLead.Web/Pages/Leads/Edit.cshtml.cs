using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

public class EditModel(CrmDbContext db, CurrentUser currentUser) : LeadFormPageModel(db)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var (lead, refusal) = await EditableLeadAsync(cancellationToken);
        if (lead is null)
        {
            return refusal!;
        }

        Input = LeadFormInput.From(lead);
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var (lead, refusal) = await EditableLeadAsync(cancellationToken);
        if (lead is null)
        {
            return refusal!;
        }

        await LoadChoicesAsync(cancellationToken);
        if (!ModelState.IsValid || !await Input.ApplyToAsync(lead, Db, DealFields, ModelState, cancellationToken))
        {
            return Page();
        }

        await Db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = "Lead saved.";
        return Redirect($"/leads/{lead.Id}");
    }

    private async Task<(Lead? Lead, IActionResult? Refusal)> EditableLeadAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await Db.Leads.VisibleTo(access).FirstOrDefaultAsync(l => l.Id == Id, cancellationToken);
        if (lead is null)
        {
            return (null, NotFound());
        }

        return access.CanEdit(lead) ? (lead, null) : (null, Forbid());
    }
}
