using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Contacts;

public class PersonModel(CrmDbContext db, CurrentUser currentUser, ContactCommands contacts, IStringLocalizer<ContactsText> text) : PageModel
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
        var person = await db.Persons.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id);
        if (person is null)
        {
            return NotFound();
        }

        Person = person;
        await LoadAsync();
        var result = await contacts.UpdatePersonAsync(id, new PersonChanges
        {
            Name = name ?? string.Empty,
            Emails = ContactCommands.SplitList(emails),
            Phones = ContactCommands.SplitList(phones),
            OrganizationId = organizationId,
            ClearOrganization = organizationId is null,
            CustomFields = CustomFieldForm.Read(Request.Form, Fields),
        });
        return result.ToForm(this, error => Error = error, text["Person saved."], _ => RedirectToPage(new { id }));
    }

    private async Task LoadAsync()
    {
        var access = await currentUser.RequireAccessAsync();
        Fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Person).OrderBy(f => f.OrderNr).ToListAsync();
        Persons = (await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync()).Select(p => (p.Id, p.Name)).ToList();
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync()).Select(o => (o.Id, o.Name)).ToList();
        Deals = await db.Deals.AsNoTracking().VisibleTo(access).Include(d => d.Stage).Where(d => d.PersonId == Person.Id).OrderByDescending(d => d.CreatedAt).ToListAsync();
    }
}
