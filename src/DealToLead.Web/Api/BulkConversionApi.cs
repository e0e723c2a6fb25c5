using System.Text.Json;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Api;

/// <summary>Bulk conversion over the API: submit a job for ids or a deal-list filter, then poll it.</summary>
public static class BulkConversionApi
{
    public static RouteGroupBuilder MapBulkConversionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/v2/deals/convert/lead", SubmitAsync)
            .WithName("BulkConvertDealsToLeads")
            .WithSummary("Converts many deals to leads in the background: {\"ids\":[…]} or {\"filter\":{…}}. Returns the job id at once.");
        api.MapGet("/v2/conversion-jobs/{id:guid}", GetAsync)
            .WithName("GetBulkConversionJob")
            .WithSummary("A bulk conversion job's status, totals and its deals' outcomes, paged by start and limit (100 by default).");
        return api;
    }

    public sealed record BulkConvertRequest(int[]? Ids, DealListFilter? Filter);

    private static async Task<IResult> SubmitAsync(
        HttpRequest request, CurrentUser currentUser, BulkConversionSubmitter submitter,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        if (!actor.Has(Core.Users.Permission.ConvertDealsToLeads))
        {
            return ApiResults.Forbidden(BulkConversionSubmitter.NoPermissionMessage);
        }

        BulkConvertRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<BulkConvertRequest>(request.Body, json.Value.SerializerOptions, cancellationToken);
        }
        catch (JsonException exception)
        {
            return ApiResults.InvalidJson(exception);
        }

        var selection = body switch
        {
            { Ids: { Length: > 0 } ids, Filter: null } => BulkSelection.Of(ids),
            { Ids: null, Filter: { } filter } => BulkSelection.Matching(filter),
            _ => null,
        };
        if (selection is null)
        {
            return ApiResults.BadRequest("Send either \"ids\" (a non-empty list of deal ids) or \"filter\" (the deal list's filter), not both.");
        }

        var submission = await submitter.SubmitAsync(actor, selection, cancellationToken);
        return submission switch
        {
            { JobId: { } jobId } => ApiResults.Ok(new { JobId = jobId }),
            { Refusal: BulkRefusal.NoPermission } => ApiResults.Forbidden(submission.Message!),
            _ => ApiResults.BadRequest(submission.Message!),
        };
    }

    /// <summary>
    /// The job with its totals and one page of its deals' outcomes (<c>start</c>, <c>limit</c>: 100 by default, 500 at
    /// most). A client polling a 10,000-deal job used to receive all 10,000 outcomes on every poll.
    /// </summary>
    private static async Task<IResult> GetAsync(Guid id, int? start, int? limit, CurrentUser currentUser, CrmDbContext db, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        var job = await db.BulkConversionJobs.AsNoTracking().VisibleTo(actor).SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return ApiResults.NotFound("Conversion job");
        }

        if (job.Status == BulkJobStatus.Completed)
        {
            // The job's leads were written by a worker: the client's next lists read them where they are (ADR 0020).
            await ReadYourWrites.RememberAsync(http);
        }

        var items = db.BulkConversionJobItems.AsNoTracking().Where(i => i.JobId == id);
        var counts = await items.GroupBy(i => i.Outcome).Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Outcome, g => g.Count, cancellationToken);
        var page = await items.OrderBy(i => i.Position).Skip(paging.Start).Take(paging.Limit + 1)
            .Select(i => new { i.DealId, i.DealTitle, i.Outcome, i.LeadId, i.ConversionId, i.Reason })
            .ToListAsync(cancellationToken);
        var more = page.Count > paging.Limit;
        return ApiResults.Ok(
            new
            {
                job.Id,
                job.Status,
                job.Total,
                job.Processed,
                Converted = counts.GetValueOrDefault(BulkItemOutcome.Converted),
                Rejected = counts.GetValueOrDefault(BulkItemOutcome.Rejected),
                Failed = counts.GetValueOrDefault(BulkItemOutcome.Failed),
                Description = job.FilterDescription,
                job.CreatedAt,
                job.CompletedAt,
                Items = page.Take(paging.Limit),
            },
            new { Pagination = new PaginationInfo(paging.Start, paging.Limit, more, more ? paging.Start + paging.Limit : null) });
    }
}
