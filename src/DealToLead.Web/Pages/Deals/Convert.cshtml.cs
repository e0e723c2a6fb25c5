using DealToLead.Core.Conversions;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Localization;
using DealToLead.Web.Pages.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Deals;

/// <summary>The confirm step of "Convert to lead", used by the deal detail's "..." menu and the board's Move to > Leads.</summary>
[Authorize(Policy = Policies.ConvertDealsToLeads)]
public class ConvertModel(CurrentUser currentUser, DealConversionService conversions, IStringLocalizer<DealsText> text, IStringLocalizer<SharedText> shared) : PageModel
{
    public ConversionPreview Preview { get; private set; } = null!;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    /// <summary>The preview alone, fetched into the pipeline board's Move to dialog.</summary>
    public async Task<IActionResult> OnGetPreviewAsync([FromRoute] int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Partial("_ConversionPreview", Preview) : NotFound();

    public async Task<IActionResult> OnPostAsync([FromRoute] int id, CancellationToken cancellationToken)
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
            TempData["FlashError"] = shared.Message(outcome.Reason ?? string.Empty);
            return LocalRedirect(back ?? $"/deals/{id}");
        }

        TempData["Flash"] = outcome.FormulaFieldsNotCarried.Count == 0
            ? text["The deal was converted to a lead. The deal is deleted and can be restored for 30 days."].Value
            : text["The deal was converted to a lead. Formula fields were not carried over: {0}.", string.Join(", ", outcome.FormulaFieldsNotCarried)].Value;
        if (back is not null)
        {
            // From the board the user stays on the board, so the message links to the new lead.
            TempData["FlashLink"] = $"/leads/{outcome.LeadId}";
            TempData["FlashLinkText"] = text["Open the lead"].Value;
        }

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
