using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = Policies.GlobalAdmin)]
public class LeadLabelsModel(CrmDbContext db, ReferenceDataCache cache, TimeProvider clock, IStringLocalizer<SettingsText> text) : PageModel
{
    public IReadOnlyList<LeadLabel> Labels { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Labels = await LeadLabel.AllByName(db).ToListAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, LeadLabelColor color, CancellationToken cancellationToken)
    {
        var result = await LeadLabelRules.ValidateNameAsync(db, name, null, cancellationToken);
        if (result.Error is not null)
        {
            TempData["FlashError"] = result.Error;
            return RedirectToPage();
        }

        db.LeadLabels.Add(new LeadLabel { Name = result.Name!, Color = color, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = text["Label “{0}” added.", result.Name ?? string.Empty].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostUpdateAsync(Guid labelId, string? name, LeadLabelColor color, CancellationToken cancellationToken)
    {
        var label = await db.LeadLabels.FindAsync([labelId], cancellationToken);
        if (label is null)
        {
            return NotFound();
        }

        var result = await LeadLabelRules.ValidateNameAsync(db, name, labelId, cancellationToken);
        if (result.Error is not null)
        {
            TempData["FlashError"] = result.Error;
            return RedirectToPage();
        }

        label.Name = result.Name!;
        label.Color = color;
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = text["Label “{0}” saved.", label.Name].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid labelId, CancellationToken cancellationToken)
    {
        await LeadLabelRules.DeleteAsync(db, cache, labelId, cancellationToken);
        TempData["Flash"] = text["Label deleted."].Value;
        return RedirectToPage();
    }
}
