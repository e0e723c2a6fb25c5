using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = "Permission:" + nameof(Permission.ManageCustomFields))]
public class CustomFieldsModel(CrmDbContext db, ReferenceDataCache referenceData, IStringLocalizer<SettingsText> text) : PageModel
{
    public List<CustomFieldDefinition> Fields { get; private set; } = [];

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAddAsync(CustomFieldEntity entity, string? name, CustomFieldType type, string? options, string? formula)
    {
        var error = Validate(entity, name, type, options, formula);
        if (error is not null)
        {
            return Fail(error);
        }

        var nextOrder = await db.CustomFields.Where(f => f.Entity == entity).MaxAsync(f => (int?)f.OrderNr) ?? -1;
        db.CustomFields.Add(new CustomFieldDefinition
        {
            Entity = entity,
            Key = CustomFieldDefinition.NewKey(),
            Name = name!.Trim(),
            Type = type,
            Options = ParseOptions(options),
            FormulaExpression = type == CustomFieldType.Formula ? formula!.Trim() : null,
            OrderNr = nextOrder + 1,
        });
        await db.SaveChangesAsync();
        TempData["Flash"] = text["Field “{0}” added.", name.Trim()].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostUpdateAsync(int id, string? name, string? options, string? formula)
    {
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.Id == id);
        if (field is null)
        {
            return NotFound();
        }

        var error = Validate(field.Entity, name, field.Type, options ?? string.Join(",", field.Options), formula ?? field.FormulaExpression);
        if (error is not null)
        {
            return Fail(error);
        }

        field.Name = name!.Trim();
        if (field.Type is CustomFieldType.SingleOption or CustomFieldType.MultipleOptions && options is not null)
        {
            field.Options = ParseOptions(options);
        }

        if (field.IsFormula && formula is not null)
        {
            field.FormulaExpression = formula.Trim();
        }

        await db.SaveChangesAsync();
        TempData["Flash"] = text["Field “{0}” saved.", field.Name].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostMoveAsync(int id, string direction)
    {
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.Id == id);
        if (field is null)
        {
            return NotFound();
        }

        var siblings = await db.CustomFields.Where(f => f.Entity == field.Entity).OrderBy(f => f.OrderNr).ThenBy(f => f.Id).ToListAsync();
        var index = siblings.FindIndex(f => f.Id == id);
        var target = direction == "up" ? index - 1 : index + 1;
        if (target >= 0 && target < siblings.Count)
        {
            (siblings[index], siblings[target]) = (siblings[target], siblings[index]);
            for (var i = 0; i < siblings.Count; i++)
            {
                siblings[i].OrderNr = i;
            }

            await db.SaveChangesAsync();
        }

        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(int id)
    {
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.Id == id);
        if (field is null)
        {
            return NotFound();
        }

        await db.InTransactionAsync(async ct =>
        {
            // The values go with the field, so a later field can never pick up stale data under a reused key. Leads
            // carry deal fields, so a deal field's values leave the leads too.
            var key = field.Key;
            switch (field.Entity)
            {
                case CustomFieldEntity.Deal:
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE deals SET custom_fields = custom_fields - {key} WHERE jsonb_exists(custom_fields, {key})", ct);
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE leads SET custom_fields = custom_fields - {key} WHERE jsonb_exists(custom_fields, {key})", ct);
                    break;
                case CustomFieldEntity.Person:
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE persons SET custom_fields = custom_fields - {key} WHERE jsonb_exists(custom_fields, {key})", ct);
                    break;
                default:
                    await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE organizations SET custom_fields = custom_fields - {key} WHERE jsonb_exists(custom_fields, {key})", ct);
                    break;
            }

            await db.CustomFields.Where(f => f.Id == id).ExecuteDeleteAsync(ct);
        }, HttpContext.RequestAborted);
        referenceData.Invalidate();
        TempData["Flash"] = text["Field “{0}” deleted.", field.Name].Value;
        return RedirectToPage();
    }

    private string? Validate(CustomFieldEntity entity, string? name, CustomFieldType type, string? options, string? formula)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            return text["A field needs a name (at most 200 characters)."];
        }

        if (type is CustomFieldType.SingleOption or CustomFieldType.MultipleOptions && ParseOptions(options).Count == 0)
        {
            return text["Option fields need at least one option."];
        }

        if (type == CustomFieldType.Formula)
        {
            if (entity != CustomFieldEntity.Deal)
            {
                return text["Formula fields exist for deals only."];
            }

            if (formula is null || !FormulaEvaluator.IsValid(formula))
            {
                return text["The formula is not valid. Example: value * probability / 100"];
            }
        }

        return null;
    }

    private static List<string> ParseOptions(string? options) =>
        (options ?? string.Empty).Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToList();

    private IActionResult Fail(string error)
    {
        TempData["FlashError"] = error;
        return RedirectToPage();
    }

    private async Task LoadAsync() =>
        Fields = await db.CustomFields.AsNoTracking().OrderBy(f => f.Entity).ThenBy(f => f.OrderNr).ThenBy(f => f.Id).ToListAsync();
}
