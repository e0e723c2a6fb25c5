using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Contacts;

public class NewOrganizationModel(CrmDbContext db) : PageModel
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
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 255 || Address?.Trim().Length > 500)
        {
            Error = "Name is required (at most 255 characters); the address may have at most 500.";
            return Page();
        }

        var organization = new Organization { Name = Name.Trim(), Address = string.IsNullOrWhiteSpace(Address) ? null : Address.Trim() };
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        TempData["Flash"] = $"{organization.Name} created.";
        return Redirect(ContactReturnUrl.WithChosen(ReturnUrl, "organizationId", organization.Id, Url) ?? $"/organizations/{organization.Id}");
    }
}
