using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Contacts;

public class NewPersonModel(CrmDbContext db, CurrentUser currentUser, ContactCommands contacts, IStringLocalizer<ContactsText> text) : PageModel
{
    public List<(int Id, string Name)> Organizations { get; private set; } = [];
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? OrganizationId { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Emails { get; set; }

    [BindProperty]
    public string? Phones { get; set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadAsync();
        var result = await contacts.CreatePersonAsync(await currentUser.RequireAccessAsync(), new PersonChanges
        {
            Name = Name ?? string.Empty,
            Emails = ContactCommands.SplitList(Emails),
            Phones = ContactCommands.SplitList(Phones),
            OrganizationId = OrganizationId,
        });
        return result.ToForm(this, error => Error = error, text["{0} created.", Name?.Trim() ?? string.Empty],
            person => Redirect(ContactReturnUrl.WithChosen(ReturnUrl, "personId", person.Id, Url) ?? $"/persons/{person.Id}"));
    }

    private async Task LoadAsync() =>
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync())
            .Select(o => (o.Id, o.Name)).ToList();
}
