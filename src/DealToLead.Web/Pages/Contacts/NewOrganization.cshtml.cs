using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Contacts;

public class NewOrganizationModel(CurrentUser currentUser, ContactCommands contacts, IStringLocalizer<ContactsText> text) : PageModel
{
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Address { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await contacts.CreateOrganizationAsync(await currentUser.RequireAccessAsync(), new OrganizationChanges { Name = Name ?? string.Empty, Address = Address });
        return result.ToForm(this, error => Error = error, text["{0} created.", Name?.Trim() ?? string.Empty],
            organization => Redirect(ContactReturnUrl.WithChosen(ReturnUrl, "organizationId", organization.Id, Url) ?? $"/organizations/{organization.Id}"));
    }
}
