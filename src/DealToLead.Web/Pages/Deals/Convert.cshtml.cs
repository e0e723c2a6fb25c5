using DealToLead.Core.Conversions;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Deals;

/// <summary>The confirm step of "Convert to lead", used by the deal detail's "..." menu and the board's Move to > Leads.</summary>
[Authorize(Policy = "Permission:" + nameof(Permission.ConvertDealsToLeads))]
public class ConvertModel(CurrentUser currentUser, DealConversionService conversions) : PageModel
{
    public ConversionPreview Preview { get; private set; } = null!;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    /// <summary>The preview alone, fetched into the pipeline board's Move to dialog.</summary>
    public async Task<IActionResult> OnGetPreviewAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Partial("_ConversionPreview", Preview) : NotFound();

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken)
    {
        var outcome = await conversions.ConvertDealToLeadAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken: cancellationToken);
        if (outcome is null)
        {
            return NotFound();
        }

        if (outcome.Rejection is ConversionRejection.NoPermission or ConversionRejection.NotEditable)
        {
            return Forbid();
        }

        var back = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : null;
        if (!outcome.Succeeded)
        {
            TempData["FlashError"] = outcome.Reason;
            return LocalRedirect(back ?? $"/deals/{id}");
        }

        TempData["Flash"] = outcome.FormulaFieldsNotCarried.Count == 0
            ? "The deal was converted to a lead. The deal is deleted and can be restored for 30 days."
            : $"The deal was converted to a lead. Formula fields were not carried over: {string.Join(", ", outcome.FormulaFieldsNotCarried)}.";
        return LocalRedirect(back ?? $"/leads/{outcome.LeadId}");
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var preview = await conversions.PreviewAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken);
        if (preview is null)
        {
            return false;
        }

        Preview = preview;
        return true;
    }
}
