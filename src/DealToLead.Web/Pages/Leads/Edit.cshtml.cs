using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Leads;

public class EditModel(CrmDbContext db, CurrentUser currentUser, LeadCommands commands, IStringLocalizer<LeadsText> text) : LeadFormPageModel(db)
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await Db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == Id, cancellationToken);
        if (lead is null || !access.CanSee(lead))
        {
            return NotFound();
        }

        if (!access.CanEdit(lead))
        {
            return Forbid();
        }

        Input = LeadFormInput.From(lead);
        CustomValues = lead.CustomFields;
        await LoadChoicesAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        return await SaveAsync(changes => commands.UpdateAsync(access, Id, changes, cancellationToken), text["Lead saved."], lead => Redirect($"/leads/{lead.Id}"), cancellationToken);
    }
}
