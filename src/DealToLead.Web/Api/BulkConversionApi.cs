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
            .WithSummary("A bulk conversion job's status, totals and each deal's outcome.");
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
            return ApiResults.BadRequest($"The request body is not valid JSON for this endpoint: {exception.Message}");
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

    private static async Task<IResult> GetAsync(Guid id, CurrentUser currentUser, CrmDbContext db, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        var job = await db.BulkConversionJobs.AsNoTracking().VisibleTo(actor)
            .Include(j => j.Items.OrderBy(i => i.Position))
            .SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return ApiResults.NotFound("Conversion job");
        }

        return ApiResults.Ok(new
        {
            job.Id,
            job.Status,
            job.Total,
            job.Processed,
            Converted = job.Items.Count(i => i.Outcome == BulkItemOutcome.Converted),
            Rejected = job.Items.Count(i => i.Outcome == BulkItemOutcome.Rejected),
            Failed = job.Items.Count(i => i.Outcome == BulkItemOutcome.Failed),
            Description = job.FilterDescription,
            job.CreatedAt,
            job.CompletedAt,
            Items = job.Items.Select(i => new { i.DealId, i.DealTitle, i.Outcome, i.LeadId, i.ConversionId, i.Reason }),
        });
    }
}
