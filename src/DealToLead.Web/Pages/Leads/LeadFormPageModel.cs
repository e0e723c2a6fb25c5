using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

/// <summary>Shared by the new-lead and edit-lead pages: the input and the choices the form offers.</summary>
public abstract class LeadFormPageModel(CrmDbContext db) : PageModel
{
    [BindProperty]
    public LeadFormInput Input { get; set; } = new();

    public IReadOnlyList<(int Id, string Name)> Persons { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Organizations { get; private set; } = [];
    public IReadOnlyList<UserOption> Owners { get; private set; } = [];
    public IReadOnlyList<CustomFieldDefinition> DealFields { get; private set; } = [];

    protected CrmDbContext Db => db;

    protected async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        Persons = (await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken)).Select(p => (p.Id, p.Name)).ToList();
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken)).Select(o => (o.Id, o.Name)).ToList();
        Owners = await UserOption.Active(db).ToListAsync(cancellationToken);
        DealFields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal && f.Type != CustomFieldType.Formula).OrderBy(f => f.OrderNr).ToListAsync(cancellationToken);
    }
}
