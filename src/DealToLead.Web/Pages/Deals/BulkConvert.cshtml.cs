using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Localization;
using DealToLead.Web.Pages.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Deals;

/// <summary>
/// The confirm step of "Convert to leads" (a POST of the list's ticked rows) and "Convert filter results to
/// leads" (a GET carrying the list's query string). Confirming saves a job and shows its progress page.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Auth.Policies.ConvertDealsToLeads)]
public class BulkConvertModel(BulkConversionSubmitter submitter, CurrentUser currentUser, CrmDbContext db, IStringLocalizer<DealsText> text, IStringLocalizer<SharedText> shared) : PageModel
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

    public Task<IActionResult> OnPostAsync([FromForm] int[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            TempData["FlashError"] = text["Tick the deals you want to convert first."].Value;
            return Task.FromResult<IActionResult>(Redirect("/deals"));
        }

        return ShowAsync(BulkSelection.Of(ids), cancellationToken);
    }

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
        FilterDescription = selection.Filter is { } filter ? await DescribeAsync(filter, cancellationToken) : null;
        Ids = selection.DealIds ?? [];
        Summary = await submitter.SummarizeAsync(actor, selection, cancellationToken);
        return Page();
    }

    /// <summary>The filter in the words of the deal list's own filter fields, with names instead of ids.</summary>
    private async Task<string> DescribeAsync(DealListFilter filter, CancellationToken cancellationToken)
    {
        var parts = new List<string> { text["Status: {0}", shared.Of(filter.Status)] };
        if (filter.PipelineId is { } pipelineId)
        {
            parts.Add(text["Pipeline: {0}", await db.Pipelines.Where(p => p.Id == pipelineId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken) ?? "—"]);
        }

        if (filter.StageId is { } stageId)
        {
            parts.Add(text["Stage: {0}", await db.Stages.Where(s => s.Id == stageId).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) ?? "—"]);
        }

        if (filter.OwnerId is { } ownerId)
        {
            parts.Add(text["Owner: {0}", await db.Users.Where(u => u.Id == ownerId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) ?? "—"]);
        }

        if (!string.IsNullOrWhiteSpace(filter.Label))
        {
            parts.Add(text["Label: {0}", filter.Label]);
        }

        if (filter.MinValue is not null || filter.MaxValue is not null)
        {
            parts.Add(text["Value: {0}–{1}", filter.MinValue is { } min ? Formats.Number(min) : "", filter.MaxValue is { } max ? Formats.Number(max) : ""]);
        }

        if (filter.CloseFrom is not null || filter.CloseTo is not null)
        {
            parts.Add(text["Expected close: {0}–{1}", Formats.Date(filter.CloseFrom), Formats.Date(filter.CloseTo)]);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            parts.Add(text["Search: “{0}”", filter.Search]);
        }

        return string.Join(" · ", parts);
    }
}
