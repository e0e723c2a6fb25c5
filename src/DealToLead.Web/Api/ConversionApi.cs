using DealToLead.Core.Conversions;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;

namespace DealToLead.Web.Api;

/// <summary>Pipedrive v2's conversion endpoints. The conversion runs inline; the status endpoints still answer.</summary>
public static class ConversionApi
{
    public static RouteGroupBuilder MapConversionApi(this RouteGroupBuilder api)
    {
        api.MapPost("/v2/deals/{id:int}/convert/lead", ConvertDealToLead)
            .RequireAuthorization(Policies.For(Permission.ConvertDealsToLeads))
            .WithName("ConvertDealToLead")
            .WithSummary("Converts a deal to a lead; returns the conversion id.");
        api.MapGet("/v2/deals/{id:int}/convert/status/{conversionId:guid}", DealConversionStatus)
            .WithName("GetDealConversionStatus");
        api.MapPost("/v2/leads/{id:guid}/convert/deal", ConvertLeadToDeal)
            .WithName("ConvertLeadToDeal")
            .WithSummary("Converts a lead to a deal in the given stage or pipeline (default: first stage of the default pipeline).");
        api.MapGet("/v2/leads/{id:guid}/convert/status/{conversionId:guid}", LeadConversionStatus)
            .WithName("GetLeadConversionStatus");
        return api;
    }

    private static async Task<IResult> ConvertDealToLead(int id, CurrentUser currentUser, DealConversionService conversions, CancellationToken cancellationToken)
    {
        var outcome = await conversions.ConvertDealToLeadAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken: cancellationToken);
        return outcome.ToCommandError("Deal")?.ToApiError() ?? ApiResults.Ok(new ConversionStarted(outcome!.ConversionId));
    }

    private static async Task<IResult> ConvertLeadToDeal(Guid id, LeadToDealRequest? request, CurrentUser currentUser, DealConversionService conversions, CancellationToken cancellationToken)
    {
        var outcome = await conversions.ConvertLeadToDealAsync(await currentUser.RequireAccessAsync(cancellationToken), id, request?.StageId, request?.PipelineId, cancellationToken);
        return outcome.ToCommandError("Lead")?.ToApiError() ?? ApiResults.Ok(new ConversionStarted(outcome!.ConversionId));
    }

    private static async Task<IResult> DealConversionStatus(int id, Guid conversionId, CurrentUser currentUser, DealConversionService conversions, CancellationToken cancellationToken)
    {
        var conversion = await conversions.FindAsync(await currentUser.RequireAccessAsync(cancellationToken), conversionId, cancellationToken);
        return conversion is null || conversion.DealId != id || conversion.Direction != ConversionDirection.DealToLead
            ? ApiResults.NotFound("Conversion")
            : ApiResults.Ok(ConversionStatusDto.From(conversion));
    }

    private static async Task<IResult> LeadConversionStatus(Guid id, Guid conversionId, CurrentUser currentUser, DealConversionService conversions, CancellationToken cancellationToken)
    {
        var conversion = await conversions.FindAsync(await currentUser.RequireAccessAsync(cancellationToken), conversionId, cancellationToken);
        return conversion is null || conversion.LeadId != id || conversion.Direction != ConversionDirection.LeadToDeal
            ? ApiResults.NotFound("Conversion")
            : ApiResults.Ok(ConversionStatusDto.From(conversion));
    }

    public sealed record LeadToDealRequest(int? StageId, int? PipelineId);

    public sealed record ConversionStarted(Guid ConversionId);

    public sealed record ConversionStatusDto(Guid ConversionId, string Status, int? DealId, Guid? LeadId, string? Reason, IReadOnlyList<string> FormulaFieldsNotCarried)
    {
        public static ConversionStatusDto From(Conversion conversion) => new(
            conversion.Id,
            conversion.Status switch
            {
                ConversionStatus.NotStarted => "not_started",
                ConversionStatus.Running => "running",
                ConversionStatus.Completed => "completed",
                ConversionStatus.Failed => "failed",
                _ => "rejected",
            },
            conversion.DealId,
            // Pipedrive returns the target id only once the conversion has completed.
            conversion.Direction == ConversionDirection.LeadToDeal || conversion.Status == ConversionStatus.Completed ? conversion.LeadId : null,
            conversion.Reason,
            conversion.FormulaFieldsNotCarried);
    }
}
