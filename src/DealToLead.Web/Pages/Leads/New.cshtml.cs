using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;

namespace DealToLead.Web.Pages.Leads;

public class NewModel(CrmDbContext db, CurrentUser currentUser, LeadCommands commands) : LeadFormPageModel(db)
{
    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input.OwnerId = (await currentUser.RequireAccessAsync(cancellationToken)).UserId;
        Input.Visibility = await CompanySettings.DefaultVisibilityAsync(Db, cancellationToken);
        await LoadChoicesAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        return await SaveAsync(
            changes => commands.CreateAsync(access, LeadSource.ManuallyCreated, changes, cancellationToken),
            $"Lead \"{Input.Title.Trim()}\" added.",
            lead => Redirect($"/leads?selected={lead.Id}"),
            cancellationToken);
    }
}
