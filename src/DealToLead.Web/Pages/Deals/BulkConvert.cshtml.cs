using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Deals;

/// <summary>
/// The confirm step of "Convert to leads" (a POST of the list's ticked rows) and "Convert filter results to
/// leads" (a GET carrying the list's query string). Confirming saves a job and shows its progress page.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Auth.Policies.ConvertDealsToLeads)]
public class BulkConvertModel(BulkConversionSubmitter submitter, CurrentUser currentUser) : PageModel
{
    public BulkConversionSummary Summary { get; private set; } = null!;
    public bool FromFilter { get; private set; }
    public string? FilterDescription { get; private set; }
    public IReadOnlyList<int> Ids { get; private set; } = [];
    public string ListUrl => FromFilter ? $"/deals{FilterQuery}" : "/deals";
    public string ConfirmAction => $"/deals/bulk-convert?handler=Confirm{(FromFilter && FilterQuery.Length > 1 ? "&" + FilterQuery[1..] : string.Empty)}";
    public string? Error { get; private set; }

    private string FilterQuery => Request.QueryString.Value ?? string.Empty;

    public Task<IActionResult> OnGetAsync([FromQuery] DealListFilter filter, CancellationToken cancellationToken) =>
        ShowAsync(BulkSelection.Matching(filter), cancellationToken);

    public Task<IActionResult> OnPostAsync([FromForm] int[] ids, CancellationToken cancellationToken) =>
        ShowAsync(BulkSelection.Of(ids), cancellationToken);

    public async Task<IActionResult> OnPostConfirmAsync([FromForm] string? mode, [FromForm] int[] ids, [FromQuery] DealListFilter filter, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        if (!actor.Has(Permission.ConvertDealsToLeads))
        {
            return Forbid();
        }

        var selection = mode == "filter" ? BulkSelection.Matching(filter) : BulkSelection.Of(ids);
        var submission = await submitter.SubmitAsync(actor, selection, cancellationToken);
        if (submission.JobId is { } jobId)
        {
            return Redirect($"/conversions/{jobId}");
        }

        Error = submission.Message;
        return await ShowAsync(selection, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(BulkSelection selection, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        if (!actor.Has(Permission.ConvertDealsToLeads))
        {
            return Forbid();
        }

        FromFilter = selection.Filter is not null;
        FilterDescription = selection.Filter?.Describe();
        Ids = selection.DealIds ?? [];
        Summary = await submitter.SummarizeAsync(actor, selection, cancellationToken);
        return Page();
    }
}
