using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = Policies.GlobalAdmin)]
public class ConversionModel(CrmDbContext db, IStringLocalizer<SettingsText> text) : PageModel
{
    [BindProperty]
    [Range(1, 10_000, ErrorMessage = "The limit must be between 1 and 10000 deals.")]
    [Display(Name = "Most deals converted in one bulk action")]
    public int BulkConversionLimit { get; set; }

    [BindProperty]
    [Display(Name = "Default visibility of new deals and leads")]
    public Visibility DefaultVisibility { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var settings = await db.CompanySettings.AsNoTracking().FirstOrDefaultAsync(cancellationToken) ?? new CompanySettings();
        (BulkConversionLimit, DefaultVisibility) = (settings.BulkConversionLimit, settings.DefaultVisibility);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var settings = await db.CompanySettings.FirstOrDefaultAsync(cancellationToken);
        if (settings is null)
        {
            settings = new CompanySettings();
            db.CompanySettings.Add(settings);
        }

        settings.BulkConversionLimit = BulkConversionLimit;
        settings.DefaultVisibility = DefaultVisibility;
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = (DefaultVisibility == Visibility.OwnerOnly
            ? text["Saved. Up to {0} deals can be converted to leads in one action; new deals and leads are visible to their owner only.", BulkConversionLimit]
            : text["Saved. Up to {0} deals can be converted to leads in one action; new deals and leads are visible to the entire company.", BulkConversionLimit]).Value;
        return RedirectToPage();
    }
}
