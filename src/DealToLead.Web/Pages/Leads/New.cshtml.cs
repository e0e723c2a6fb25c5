using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Leads;

public class NewModel(CrmDbContext db, CurrentUser currentUser, LeadCommands commands, IStringLocalizer<LeadsText> text) : LeadFormPageModel(db)
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
            text["Lead \"{0}\" added.", Input.Title.Trim()],
            lead => Redirect($"/leads?selected={lead.Id}"),
            cancellationToken);
    }
}
