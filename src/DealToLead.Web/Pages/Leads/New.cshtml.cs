using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;

namespace DealToLead.Web.Pages.Leads;

public class NewModel(CrmDbContext db, CurrentUser currentUser, TimeProvider clock) : LeadFormPageModel(db)
{
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input.OwnerId = (await currentUser.RequireAccessAsync(cancellationToken)).UserId;
        await LoadChoicesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        await LoadChoicesAsync(cancellationToken);
        // A lead you create yourself is not news to you.
        var lead = new Lead { Title = string.Empty, OwnerId = access.UserId, CreatorId = access.UserId, Source = LeadSource.ManuallyCreated, WasSeen = true };
        if (!ModelState.IsValid || !await Input.ApplyToAsync(lead, Db, DealFields, ModelState, cancellationToken))
        {
            return Page();
        }

        Db.Leads.Add(lead);
        Db.LeadLog.Add(new LeadLogEntry { LeadId = lead.Id, At = clock.GetUtcNow(), UserId = access.UserId, Kind = LeadLogKind.Created });
        await Db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = $"Lead \"{lead.Title}\" added.";
        return Redirect($"/leads?selected={lead.Id}");
    }
}
