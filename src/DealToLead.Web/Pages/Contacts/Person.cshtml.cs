using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Contacts;

public class PersonModel(CrmDbContext db, CurrentUser currentUser) : PageModel
{
    public Person Person { get; private set; } = null!;
    public List<CustomFieldDefinition> Fields { get; private set; } = [];
    public List<(int Id, string Name)> Persons { get; private set; } = [];
    public List<(int Id, string Name)> Organizations { get; private set; } = [];
    public List<Deal> Deals { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id)
    {
        var person = await db.Persons.AsNoTracking().Include(p => p.Organization).FirstOrDefaultAsync(p => p.Id == id);
        if (person is null)
        {
            return NotFound();
        }

        Person = person;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, string? name, string? emails, string? phones, int? organizationId)
    {
        var person = await db.Persons.FirstOrDefaultAsync(p => p.Id == id);
        if (person is null)
        {
            return NotFound();
        }

        Person = person;
        await LoadAsync();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255)
        {
            Error = "Name is required (at most 255 characters).";
            return Page();
        }

        if (organizationId is { } orgId && !await db.Organizations.AnyAsync(o => o.Id == orgId))
        {
            Error = "Organization does not exist.";
            return Page();
        }

        var values = new Dictionary<string, string>(person.CustomFields);
        Error = await CustomFieldValues.ApplyAsync(db, Fields, values, CustomFieldForm.Read(Request.Form, Fields));
        if (Error is not null)
        {
            return Page();
        }

        person.Name = name.Trim();
        person.Emails = SplitList(emails);
        person.Phones = SplitList(phones);
        person.OrganizationId = organizationId;
        person.CustomFields = values;
        await db.SaveChangesAsync();
        TempData["Flash"] = "Person saved.";
        return RedirectToPage(new { id });
    }

    internal static List<string> SplitList(string? text) =>
        (text ?? string.Empty).Split([',', '\n', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();

    private async Task LoadAsync()
    {
        var access = await currentUser.RequireAccessAsync();
        Fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Person).OrderBy(f => f.OrderNr).ToListAsync();
        Persons = (await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync()).Select(p => (p.Id, p.Name)).ToList();
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync()).Select(o => (o.Id, o.Name)).ToList();
        Deals = await db.Deals.AsNoTracking().VisibleTo(access).Include(d => d.Stage).Where(d => d.PersonId == Person.Id).OrderByDescending(d => d.CreatedAt).ToListAsync();
    }
}
