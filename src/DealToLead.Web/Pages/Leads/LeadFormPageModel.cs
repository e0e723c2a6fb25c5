using DealToLead.Core.Common;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

/// <summary>Shared by the new-lead and edit-lead pages: the input, the choices the form offers, and saving through <see cref="LeadCommands"/>.</summary>
public abstract class LeadFormPageModel(CrmDbContext db) : PageModel
{
    [BindProperty]
    public LeadFormInput Input { get; set; } = new();

    public IReadOnlyList<(int Id, string Name)> Persons { get; private set; } = [];
    public IReadOnlyList<(int Id, string Name)> Organizations { get; private set; } = [];
    public IReadOnlyList<UserOption> Owners { get; private set; } = [];
    public IReadOnlyList<CustomFieldDefinition> DealFields { get; private set; } = [];
    public IReadOnlyDictionary<string, string> CustomValues { get; protected set; } = new Dictionary<string, string>();

    protected CrmDbContext Db => db;

    protected async Task LoadChoicesAsync(CancellationToken cancellationToken)
    {
        Persons = (await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(cancellationToken)).Select(p => (p.Id, p.Name)).ToList();
        Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(cancellationToken)).Select(o => (o.Id, o.Name)).ToList();
        Owners = await UserOption.Active(db).ToListAsync(cancellationToken);
        DealFields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal && f.Type != CustomFieldType.Formula).OrderBy(f => f.OrderNr).ToListAsync(cancellationToken);
    }

    /// <summary>Saves through <paramref name="save"/> when the form is valid; otherwise, or when refused, shows the form again.</summary>
    protected async Task<IActionResult> SaveAsync(Func<LeadChanges, Task<CommandResult<Lead>>> save, string success, Func<Lead, IActionResult> next, CancellationToken cancellationToken)
    {
        await LoadChoicesAsync(cancellationToken);
        CustomValues = CustomFieldForm.Read(Request.Form, DealFields);
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await save(Input.ToChanges(CustomValues));
        return result.ToForm(this, error => ModelState.AddModelError(string.Empty, error), success, next);
    }
}
