using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = Policies.GlobalAdmin)]
public class ConversionModel(CrmDbContext db) : PageModel
{
    [BindProperty]
    [Range(1, 10_000, ErrorMessage = "The limit must be between 1 and 10000 deals.")]
    [Display(Name = "Most deals converted in one bulk action")]
    public int BulkConversionLimit { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        BulkConversionLimit = await db.CompanySettings.Select(s => (int?)s.BulkConversionLimit).FirstOrDefaultAsync(cancellationToken)
            ?? CompanySettings.DefaultBulkConversionLimit;

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
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = $"Up to {BulkConversionLimit} deals can now be converted to leads in one action.";
        return RedirectToPage();
    }
}
