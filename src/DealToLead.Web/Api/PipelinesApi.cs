using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record PipelineDto(int Id, string Name, int OrderNr, bool IsDefault);

public sealed record StageDto(int Id, string Name, int OrderNr, int PipelineId, int DealProbability);

public sealed record FieldOptionDto(int Id, string Label);

public sealed record DealFieldDto(string Key, string Name, string FieldType, bool IsCustom, bool EditFlag, int? Id, int OrderNr, List<FieldOptionDto>? Options, string? Formula);

public static class PipelinesApi
{
    public static RouteGroupBuilder MapPipelinesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v2/pipelines", async (CrmDbContext db, CancellationToken ct) =>
            ApiResults.Ok(await db.Pipelines.AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr)
                .Select(p => new PipelineDto(p.Id, p.Name, p.OrderNr, p.IsDefault)).ToListAsync(ct)));
        api.MapGet("/v2/pipelines/{id:int}", async (int id, CrmDbContext db, CancellationToken ct) =>
            await db.Pipelines.AsNoTracking().Where(p => p.Id == id).Select(p => new PipelineDto(p.Id, p.Name, p.OrderNr, p.IsDefault)).FirstOrDefaultAsync(ct) is { } pipeline
                ? ApiResults.Ok(pipeline)
                : ApiResults.NotFound("Pipeline"));
        api.MapGet("/v2/stages", async ([FromQuery(Name = "pipeline_id")] int? pipelineId, CrmDbContext db, CancellationToken ct) =>
            ApiResults.Ok(await db.Stages.AsNoTracking().Where(s => pipelineId == null || s.PipelineId == pipelineId)
                .OrderBy(s => s.PipelineId).ThenBy(s => s.OrderNr)
                .Select(s => new StageDto(s.Id, s.Name, s.OrderNr, s.PipelineId, s.DealProbability)).ToListAsync(ct)));
        api.MapGet("/v2/stages/{id:int}", async (int id, CrmDbContext db, CancellationToken ct) =>
            await db.Stages.AsNoTracking().Where(s => s.Id == id).Select(s => new StageDto(s.Id, s.Name, s.OrderNr, s.PipelineId, s.DealProbability)).FirstOrDefaultAsync(ct) is { } stage
                ? ApiResults.Ok(stage)
                : ApiResults.NotFound("Stage"));
        api.MapGet("/v1/dealFields", ListDealFields);
        return api;
    }

    private static readonly DealFieldDto[] StandardDealFields =
    [
        new("title", "Title", "varchar", false, true, null, 0, null, null),
        new("value", "Value", "monetary", false, true, null, 1, null, null),
        new("currency", "Currency", "varchar", false, true, null, 2, null, null),
        new("status", "Status", "status", false, true, null, 3, null, null),
        new("probability", "Probability", "double", false, true, null, 4, null, null),
        new("expected_close_date", "Expected close date", "date", false, true, null, 5, null, null),
        new("owner_id", "Owner", "user", false, true, null, 6, null, null),
        new("person_id", "Contact person", "people", false, true, null, 7, null, null),
        new("org_id", "Organization", "org", false, true, null, 8, null, null),
        new("pipeline_id", "Pipeline", "double", false, true, null, 9, null, null),
        new("stage_id", "Stage", "stage", false, true, null, 10, null, null),
        new("visible_to", "Visible to", "visible_to", false, true, null, 11, null, null),
        new("labels", "Labels", "set", false, true, null, 12, null, null),
    ];

    private static async Task<IResult> ListDealFields(CrmDbContext db, CancellationToken ct)
    {
        var custom = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync(ct);
        var fields = StandardDealFields.Concat(custom.Select(f => new DealFieldDto(f.Key, f.Name, FieldType(f.Type), true, !f.IsFormula, f.Id,
            StandardDealFields.Length + f.OrderNr,
            f.Options.Count == 0 ? null : f.Options.Select((o, i) => new FieldOptionDto(i + 1, o)).ToList(),
            f.FormulaExpression))).ToList();
        return ApiResults.Ok(fields, new { Pagination = new PaginationInfo(0, fields.Count, false, null) });
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
        _ => "formula",
    };
}
