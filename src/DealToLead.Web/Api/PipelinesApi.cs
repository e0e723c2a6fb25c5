using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record PipelineDto(int Id, string Name, int OrderNr, bool IsDefault);

public sealed record StageDto(int Id, string Name, int OrderNr, int PipelineId, int DealProbability);

public sealed record PipelineRequest(string? Name, bool? IsDefault, int? OrderNr);

public sealed record StageRequest(string? Name, int? PipelineId, int? OrderNr, int? DealProbability);

/// <summary>An option of an enum or set field: a number for custom fields and labels, Pipedrive's own string for status.</summary>
public sealed record FieldOptionDto(object Id, string Label);

public sealed record DealFieldDto(string Key, string Name, string FieldType, bool IsCustom, bool EditFlag, int? Id, int OrderNr, List<FieldOptionDto>? Options, string? Formula);

public static class PipelinesApi
{
    public static RouteGroupBuilder MapPipelinesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v2/pipelines", ListPipelines);
        api.MapGet("/v2/pipelines/{id:int}", async (int id, CrmDbContext db, CancellationToken ct) =>
            await db.Pipelines.AsNoTracking().Where(p => p.Id == id).Select(p => new PipelineDto(p.Id, p.Name, p.OrderNr, p.IsDefault)).FirstOrDefaultAsync(ct) is { } pipeline
                ? ApiResults.Ok(pipeline)
                : ApiResults.NotFound("Pipeline"));
        api.MapGet("/v2/stages", ListStages);
        api.MapGet("/v2/stages/{id:int}", async (int id, CrmDbContext db, CancellationToken ct) =>
            await db.Stages.AsNoTracking().Where(s => s.Id == id).Select(s => new StageDto(s.Id, s.Name, s.OrderNr, s.PipelineId, s.DealProbability)).FirstOrDefaultAsync(ct) is { } stage
                ? ApiResults.Ok(stage)
                : ApiResults.NotFound("Stage"));
        api.MapGet("/v1/dealFields", ListDealFields);
        api.MapPipelineAdministrationApi();
        return api;
    }

    private static readonly KeysetSorts<Core.Crm.Pipeline, int> PipelineSorts = new(p => p.Id);

    private static readonly KeysetSorts<Stage, int> StageSorts = new KeysetSorts<Stage, int>(s => s.Id).With("order_nr", s => s.OrderNr);

    private static async Task<IResult> ListPipelines([AsParameters] CursorQuery page, CrmDbContext db, CancellationToken ct)
    {
        if (!PipelineSorts.TryRead(page, out var paging, out var error))
        {
            return error!;
        }

        var pipelines = await paging.ReadAsync(db.Pipelines.AsNoTracking(), ct);
        return pipelines.Ok(pipelines.Items.Select(p => new PipelineDto(p.Id, p.Name, p.OrderNr, p.IsDefault)));
    }

    private static async Task<IResult> ListStages([FromQuery(Name = "pipeline_id")] int? pipelineId, [AsParameters] CursorQuery page, CrmDbContext db, CancellationToken ct)
    {
        if (!StageSorts.TryRead(page, out var paging, out var error))
        {
            return error!;
        }

        var stages = await paging.ReadAsync(db.Stages.AsNoTracking().Where(s => pipelineId == null || s.PipelineId == pipelineId), ct);
        return stages.Ok(stages.Items.Select(s => new StageDto(s.Id, s.Name, s.OrderNr, s.PipelineId, s.DealProbability)));
    }

    /// <summary>Changes to pipelines and stages: global admins only, with the rules of <see cref="PipelineAdministration"/>.</summary>
    private static void MapPipelineAdministrationApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("").RequireAuthorization(Policies.GlobalAdmin);
        admin.MapPost("/v2/pipelines", CreatePipeline).WithSummary("Adds a pipeline with Pipedrive's default stages (global admins only).");
        admin.MapPatch("/v2/pipelines/{id:int}", UpdatePipeline).WithSummary("Renames, reorders or makes a pipeline the default (global admins only).");
        admin.MapDelete("/v2/pipelines/{id:int}", DeletePipeline).WithSummary("Deletes a pipeline that holds no deals and is not the last one (global admins only).");
        admin.MapPost("/v2/stages", CreateStage).WithSummary("Adds a stage to a pipeline (global admins only).");
        admin.MapPatch("/v2/stages/{id:int}", UpdateStage).WithSummary("Renames, reorders or sets the deal probability of a stage (global admins only).");
        admin.MapDelete("/v2/stages/{id:int}", DeleteStage).WithSummary("Deletes a stage that holds no deals and is not its pipeline's last (global admins only).");
    }

    private static async Task<IResult> CreatePipeline(PipelineRequest? request, CurrentUser currentUser, PipelineAdministration pipelines, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the pipeline as a JSON object.");
        }

        var result = await pipelines.CreatePipelineAsync(await currentUser.RequireAccessAsync(ct), request.Name, request.IsDefault ?? false, request.OrderNr, ct);
        return await PipelineOutcomeAsync(result, db, created: true, ct);
    }

    private static async Task<IResult> UpdatePipeline(int id, PipelineRequest? request, CurrentUser currentUser, PipelineAdministration pipelines, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        var result = await pipelines.UpdatePipelineAsync(await currentUser.RequireAccessAsync(ct), id, request.Name, request.IsDefault, request.OrderNr, ct);
        return await PipelineOutcomeAsync(result, db, created: false, ct);
    }

    private static async Task<IResult> DeletePipeline(int id, CurrentUser currentUser, PipelineAdministration pipelines, CancellationToken ct)
    {
        var result = await pipelines.DeletePipelineAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return result.Succeeded ? ApiResults.Ok(new { Id = id }) : ToApiError(result);
    }

    private static async Task<IResult> CreateStage(StageRequest? request, CurrentUser currentUser, PipelineAdministration pipelines, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the stage as a JSON object.");
        }

        if (request.PipelineId is not { } pipelineId)
        {
            return ApiResults.BadRequest("pipeline_id is required.");
        }

        var result = await pipelines.CreateStageAsync(await currentUser.RequireAccessAsync(ct), pipelineId, request.Name, request.OrderNr, request.DealProbability, ct);
        return await StageOutcomeAsync(result, db, created: true, ct);
    }

    private static async Task<IResult> UpdateStage(int id, StageRequest? request, CurrentUser currentUser, PipelineAdministration pipelines, CrmDbContext db, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        if (request.PipelineId is { } pipelineId && !await db.Stages.AnyAsync(s => s.Id == id && s.PipelineId == pipelineId, ct))
        {
            return await db.Stages.AnyAsync(s => s.Id == id, ct)
                ? ApiResults.BadRequest("A stage cannot move to another pipeline: create a stage there and move the deals instead.")
                : ApiResults.NotFound("Stage");
        }

        var result = await pipelines.UpdateStageAsync(await currentUser.RequireAccessAsync(ct), id, request.Name, request.OrderNr, request.DealProbability, ct);
        return await StageOutcomeAsync(result, db, created: false, ct);
    }

    private static async Task<IResult> DeleteStage(int id, CurrentUser currentUser, PipelineAdministration pipelines, CancellationToken ct)
    {
        var result = await pipelines.DeleteStageAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return result.Succeeded ? ApiResults.Ok(new { Id = id }) : ToApiError(result);
    }

    private static async Task<IResult> PipelineOutcomeAsync(PipelineChangeResult result, CrmDbContext db, bool created, CancellationToken ct)
    {
        if (!result.Succeeded)
        {
            return ToApiError(result);
        }

        var dto = await db.Pipelines.AsNoTracking().Where(p => p.Id == result.Id).Select(p => new PipelineDto(p.Id, p.Name, p.OrderNr, p.IsDefault)).FirstAsync(ct);
        return created ? ApiResults.Created(dto) : ApiResults.Ok(dto);
    }

    private static async Task<IResult> StageOutcomeAsync(PipelineChangeResult result, CrmDbContext db, bool created, CancellationToken ct)
    {
        if (!result.Succeeded)
        {
            return ToApiError(result);
        }

        var dto = await db.Stages.AsNoTracking().Where(s => s.Id == result.Id).Select(s => new StageDto(s.Id, s.Name, s.OrderNr, s.PipelineId, s.DealProbability)).FirstAsync(ct);
        return created ? ApiResults.Created(dto) : ApiResults.Ok(dto);
    }

    private static IResult ToApiError(PipelineChangeResult result) => result.Status switch
    {
        PipelineChangeStatus.NotFound => ApiResults.Error(StatusCodes.Status404NotFound, result.Error ?? "Not found."),
        PipelineChangeStatus.Conflict => ApiResults.Error(StatusCodes.Status409Conflict, result.Error ?? "Conflict."),
        _ => ApiResults.BadRequest(result.Error ?? "Invalid input."),
    };

    private static readonly List<FieldOptionDto> StatusOptions = [new("open", "Open"), new("won", "Won"), new("lost", "Lost"), new("deleted", "Deleted")];

    /// <summary>Pipedrive's own deal fields, typed with the SDK's field types (its "status" and "stage" types are not in that enum).</summary>
    private static List<DealFieldDto> StandardDealFields(List<FieldOptionDto> labelOptions) =>
    [
        new("title", "Title", "varchar", false, true, null, 0, null, null),
        new("value", "Value", "monetary", false, true, null, 1, null, null),
        new("currency", "Currency", "varchar", false, true, null, 2, null, null),
        new("status", "Status", "enum", false, true, null, 3, StatusOptions, null),
        new("probability", "Probability", "double", false, true, null, 4, null, null),
        new("expected_close_date", "Expected close date", "date", false, true, null, 5, null, null),
        new("owner_id", "Owner", "user", false, true, null, 6, null, null),
        new("person_id", "Contact person", "people", false, true, null, 7, null, null),
        new("org_id", "Organization", "org", false, true, null, 8, null, null),
        new("pipeline_id", "Pipeline", "double", false, true, null, 9, null, null),
        new("stage_id", "Stage", "double", false, true, null, 10, null, null),
        new("visible_to", "Visible to", "visible_to", false, true, null, 11, null, null),
        new("label", "Label", "set", false, true, null, 12, labelOptions, null),
    ];

    private static async Task<IResult> ListDealFields(CrmDbContext db, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var custom = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync(ct);
        var labels = (await DealLabel.AllById(db).ToListAsync(ct)).Select(l => new FieldOptionDto(l.Id, l.Name)).ToList();
        var standard = StandardDealFields(labels);
        var fields = standard.Concat(custom.Select(f => new DealFieldDto(f.Key, f.Name, FieldType(f.Type), true, !f.IsFormula, f.Id,
            standard.Count + f.OrderNr,
            f.Options.Count == 0 ? null : f.Options.Select((o, i) => new FieldOptionDto(i + 1, o)).ToList(),
            f.FormulaExpression))).ToList();
        return paging.PageOf(fields);
    }

    private static string FieldType(CustomFieldType type) => type switch
    {
        CustomFieldType.Text => "varchar",
        CustomFieldType.LargeText => "text",
        CustomFieldType.Number => "double",
        CustomFieldType.Monetary => "monetary",
        CustomFieldType.Date => "date",
        CustomFieldType.SingleOption => "enum",
        CustomFieldType.MultipleOptions => "set",
        CustomFieldType.PersonReference => "people",
        CustomFieldType.OrganizationReference => "org",
        // A formula's result is a number; the formula itself is in the field's extra "formula" attribute.
        _ => "double",
    };
}
