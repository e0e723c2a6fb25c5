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

public class OrganizationModel(CrmDbContext db, CurrentUser currentUser, ContactCommands contacts, IStringLocalizer<ContactsText> text) : PageModel
{
    public Organization Organization { get; private set; } = null!;
    public List<CustomFieldDefinition> Fields { get; private set; } = [];
    public List<(int Id, string Name)> Persons { get; private set; } = [];
    public List<(int Id, string Name)> Organizations { get; private set; } = [];
    public List<Person> People { get; private set; } = [];
    public List<Deal> Deals { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id);
        if (org is null)
        {
            return NotFound();
        }

        Organization = org;
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, string? name, string? address)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id);
        if (org is null)
        {
            return NotFound();
        }

        Organization = org;
        await LoadAsync();
        var result = await contacts.UpdateOrganizationAsync(id, new OrganizationChanges
        {
            Name = name ?? string.Empty,
            Address = address ?? string.Empty,
            CustomFields = CustomFieldForm.Read(Request.Form, Fields),
        });
        return result.ToForm(this, error => Error = error, text["Organization saved."], _ => RedirectToPage(new { id }));
    }

    private async Task LoadAsync()
    {
        var access = await currentUser.RequireAccessAsync();
        Fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Organization).OrderBy(f => f.OrderNr).ToListAsync();
        Persons = (await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync()).Select(p => (p.Id, p.Name)).ToList();
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync()).Select(o => (o.Id, o.Name)).ToList();
        People = await db.Persons.AsNoTracking().Where(p => p.OrganizationId == Organization.Id).OrderBy(p => p.Name).ToListAsync();
        Deals = await db.Deals.AsNoTracking().VisibleTo(access).Include(d => d.Stage).Where(d => d.OrganizationId == Organization.Id).OrderByDescending(d => d.CreatedAt).ToListAsync();
    }
}
