using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Contacts;

public class NewPersonModel(CrmDbContext db) : PageModel
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
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 255)
        {
            Error = "Name is required (at most 255 characters).";
        }
        else if (OrganizationId is { } orgId && !await db.Organizations.AnyAsync(o => o.Id == orgId))
        {
            Error = "That organization does not exist.";
        }

        if (Error is not null)
        {
            await LoadAsync();
            return Page();
        }

        var person = new Person
        {
            Name = Name!.Trim(),
            Emails = PersonModel.SplitList(Emails),
            Phones = PersonModel.SplitList(Phones),
            OrganizationId = OrganizationId,
        };
        db.Persons.Add(person);
        await db.SaveChangesAsync();
        TempData["Flash"] = $"{person.Name} created.";
        return Redirect(ContactReturnUrl.WithChosen(ReturnUrl, "personId", person.Id, Url) ?? $"/persons/{person.Id}");
    }

    private async Task LoadAsync() =>
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync())
            .Select(o => (o.Id, o.Name)).ToList();
}
