using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

public enum PipelineChangeStatus
{
    Ok,
    NotFound,
    Invalid,
    Conflict,
}

/// <summary>The outcome of a pipeline or stage change; refusals say why in words an admin can act on.</summary>
public sealed record PipelineChangeResult(PipelineChangeStatus Status, string? Error = null, int? Id = null)
{
    public bool Succeeded => Status == PipelineChangeStatus.Ok;

    public static PipelineChangeResult Ok(int id) => new(PipelineChangeStatus.Ok, null, id);

    public static PipelineChangeResult NotFound(string what) => new(PipelineChangeStatus.NotFound, $"{what} not found.");

    public static PipelineChangeResult Invalid(string error) => new(PipelineChangeStatus.Invalid, error);

    public static PipelineChangeResult Conflict(string error) => new(PipelineChangeStatus.Conflict, error);
}

/// <summary>
/// Every change to pipelines and stages, for the settings page and the API alike. The rules: there is always at least
/// one pipeline, exactly one of them the default, every pipeline has at least one stage, order numbers stay 0..n-1, and
/// nothing that still holds a deal — open, won, lost, or deleted but restorable (or undoable from a lead) — is deleted.
/// </summary>
public sealed class PipelineAdministration(CrmDbContext db)
{
    public const int MaxNameLength = 200;

    /// <summary>What a new pipeline starts with, as in Pipedrive: a board a team can use at once and rename later.</summary>
    public static readonly IReadOnlyList<(string Name, int Probability)> DefaultStages =
    [
        ("Qualified", 10), ("Contact made", 20), ("Demo scheduled", 40), ("Proposal made", 60), ("Negotiations started", 80),
    ];

    // Serializes pipeline changes: two admins deleting the last two stages, or making two pipelines the default, at once must not both succeed.
    private const long PipelineLockKey = 0x0D7_91BE;

    public Task<PipelineChangeResult> CreatePipelineAsync(UserAccess actor, string? name, bool isDefault = false, int? orderNr = null,
        CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            var pipelines = await OrderedPipelinesAsync(cancellationToken);
            if (await ValidatePipelineNameAsync(name, null, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            var pipeline = new Pipeline
            {
                Name = name!.Trim(),
                IsDefault = isDefault || pipelines.Count == 0,
                Stages = DefaultStages.Select((s, i) => new Stage { Name = s.Name, DealProbability = s.Probability, OrderNr = i }).ToList(),
            };
            if (pipeline.IsDefault)
            {
                pipelines.ForEach(p => p.IsDefault = false);
            }

            db.Pipelines.Add(pipeline);
            Place(pipelines, pipeline, orderNr ?? pipelines.Count, (p, n) => p.OrderNr = n);
            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(pipeline.Id);
        }, cancellationToken);

    public Task<PipelineChangeResult> UpdatePipelineAsync(UserAccess actor, int pipelineId, string? name = null, bool? isDefault = null, int? orderNr = null,
        CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            var pipelines = await OrderedPipelinesAsync(cancellationToken);
            var pipeline = pipelines.FirstOrDefault(p => p.Id == pipelineId);
            if (pipeline is null)
            {
                return PipelineChangeResult.NotFound("Pipeline");
            }

            if (name is not null)
            {
                if (await ValidatePipelineNameAsync(name, pipelineId, cancellationToken) is { } invalid)
                {
                    return invalid;
                }

                pipeline.Name = name.Trim();
            }

            if (isDefault == false && pipeline.IsDefault)
            {
                return PipelineChangeResult.Invalid("There must always be a default pipeline: make another pipeline the default instead.");
            }

            if (isDefault == true)
            {
                pipelines.ForEach(p => p.IsDefault = p.Id == pipelineId);
            }

            if (orderNr is { } position)
            {
                pipelines.Remove(pipeline);
                Place(pipelines, pipeline, position, (p, n) => p.OrderNr = n);
            }

            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(pipeline.Id);
        }, cancellationToken);

    public Task<PipelineChangeResult> DeletePipelineAsync(UserAccess actor, int pipelineId, CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            var pipelines = await OrderedPipelinesAsync(cancellationToken);
            var pipeline = pipelines.FirstOrDefault(p => p.Id == pipelineId);
            if (pipeline is null)
            {
                return PipelineChangeResult.NotFound("Pipeline");
            }

            if (pipelines.Count == 1)
            {
                return PipelineChangeResult.Conflict("The last pipeline cannot be deleted: deals need a pipeline to live in.");
            }

            var deals = await db.Deals.IgnoreQueryFilters().CountAsync(d => d.PipelineId == pipelineId, cancellationToken);
            if (deals > 0)
            {
                return PipelineChangeResult.Conflict(
                    $"The pipeline \"{pipeline.Name}\" still holds {DealCount(deals)} (open, won, lost or deleted and restorable): move them to another pipeline first.");
            }

            pipelines.Remove(pipeline);
            db.Pipelines.Remove(pipeline);
            if (pipeline.IsDefault)
            {
                pipelines[0].IsDefault = true;
            }

            Renumber(pipelines, (p, n) => p.OrderNr = n);
            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(pipelineId);
        }, cancellationToken);

    public Task<PipelineChangeResult> CreateStageAsync(UserAccess actor, int pipelineId, string? name, int? orderNr = null, int? dealProbability = null,
        CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            if (!await db.Pipelines.AnyAsync(p => p.Id == pipelineId, cancellationToken))
            {
                return PipelineChangeResult.Invalid("pipeline_id: that pipeline does not exist.");
            }

            var stages = await OrderedStagesAsync(pipelineId, cancellationToken);
            if (ValidateStage(name, dealProbability, stages, null) is { } invalid)
            {
                return invalid;
            }

            var stage = new Stage { PipelineId = pipelineId, Name = name!.Trim(), DealProbability = dealProbability ?? 100 };
            db.Stages.Add(stage);
            Place(stages, stage, orderNr ?? stages.Count, (s, n) => s.OrderNr = n);
            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(stage.Id);
        }, cancellationToken);

    public Task<PipelineChangeResult> UpdateStageAsync(UserAccess actor, int stageId, string? name = null, int? orderNr = null, int? dealProbability = null,
        CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            var pipelineId = await db.Stages.Where(s => s.Id == stageId).Select(s => (int?)s.PipelineId).FirstOrDefaultAsync(cancellationToken);
            if (pipelineId is null)
            {
                return PipelineChangeResult.NotFound("Stage");
            }

            var stages = await OrderedStagesAsync(pipelineId.Value, cancellationToken);
            var stage = stages.Single(s => s.Id == stageId);
            if (ValidateStage(name ?? stage.Name, dealProbability, stages, stageId) is { } invalid)
            {
                return invalid;
            }

            stage.Name = (name ?? stage.Name).Trim();
            stage.DealProbability = dealProbability ?? stage.DealProbability;
            if (orderNr is { } position)
            {
                stages.Remove(stage);
                Place(stages, stage, position, (s, n) => s.OrderNr = n);
            }

            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(stage.Id);
        }, cancellationToken);

    /// <summary>Moves a stage one place left (<paramref name="by"/> = -1) or right (+1) on the board.</summary>
    public async Task<PipelineChangeResult> MoveStageAsync(UserAccess actor, int stageId, int by, CancellationToken cancellationToken = default)
    {
        var current = await db.Stages.Where(s => s.Id == stageId).Select(s => (int?)s.OrderNr).FirstOrDefaultAsync(cancellationToken);
        return current is null
            ? PipelineChangeResult.NotFound("Stage")
            : await UpdateStageAsync(actor, stageId, orderNr: Math.Max(0, current.Value + by), cancellationToken: cancellationToken);
    }

    /// <summary>Moves a pipeline one place up (<paramref name="by"/> = -1) or down (+1) in the pipeline lists.</summary>
    public async Task<PipelineChangeResult> MovePipelineAsync(UserAccess actor, int pipelineId, int by, CancellationToken cancellationToken = default)
    {
        var current = await db.Pipelines.Where(p => p.Id == pipelineId).Select(p => (int?)p.OrderNr).FirstOrDefaultAsync(cancellationToken);
        return current is null
            ? PipelineChangeResult.NotFound("Pipeline")
            : await UpdatePipelineAsync(actor, pipelineId, orderNr: Math.Max(0, current.Value + by), cancellationToken: cancellationToken);
    }

    public Task<PipelineChangeResult> DeleteStageAsync(UserAccess actor, int stageId, CancellationToken cancellationToken = default) =>
        InLockAsync(actor, async () =>
        {
            var pipelineId = await db.Stages.Where(s => s.Id == stageId).Select(s => (int?)s.PipelineId).FirstOrDefaultAsync(cancellationToken);
            if (pipelineId is null)
            {
                return PipelineChangeResult.NotFound("Stage");
            }

            var stages = await OrderedStagesAsync(pipelineId.Value, cancellationToken);
            var stage = stages.Single(s => s.Id == stageId);
            if (stages.Count == 1)
            {
                return PipelineChangeResult.Conflict("The last stage of a pipeline cannot be deleted: delete the pipeline instead, or add another stage first.");
            }

            var deals = await db.Deals.IgnoreQueryFilters().CountAsync(d => d.StageId == stageId, cancellationToken);
            if (deals > 0)
            {
                return PipelineChangeResult.Conflict(
                    $"The stage \"{stage.Name}\" still holds {DealCount(deals)} (open, won, lost or deleted and restorable): move them to another stage first.");
            }

            stages.Remove(stage);
            db.Stages.Remove(stage);
            Renumber(stages, (s, n) => s.OrderNr = n);
            await db.SaveChangesAsync(cancellationToken);
            return PipelineChangeResult.Ok(stageId);
        }, cancellationToken);

    private static string DealCount(int deals) => deals == 1 ? "1 deal" : $"{deals} deals";

    private async Task<PipelineChangeResult?> ValidatePipelineNameAsync(string? name, int? exceptId, CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
        {
            return PipelineChangeResult.Invalid($"A pipeline needs a name of 1 to {MaxNameLength} characters, without control characters.");
        }

        var taken = await db.Pipelines.AnyAsync(p => p.Name.ToLower() == trimmed.ToLower() && p.Id != exceptId, cancellationToken);
        return taken ? PipelineChangeResult.Invalid($"There is already a pipeline named \"{trimmed}\".") : null;
    }

    private static PipelineChangeResult? ValidateStage(string? name, int? dealProbability, List<Stage> siblings, int? exceptId)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl))
        {
            return PipelineChangeResult.Invalid($"A stage needs a name of 1 to {MaxNameLength} characters, without control characters.");
        }

        if (dealProbability is < 0 or > 100)
        {
            return PipelineChangeResult.Invalid("The deal probability of a stage must be between 0 and 100.");
        }

        return siblings.Any(s => s.Id != exceptId && string.Equals(s.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            ? PipelineChangeResult.Invalid($"This pipeline already has a stage named \"{trimmed}\".")
            : null;
    }

    private Task<List<Pipeline>> OrderedPipelinesAsync(CancellationToken cancellationToken) =>
        db.Pipelines.OrderBy(p => p.OrderNr).ThenBy(p => p.Id).ToListAsync(cancellationToken);

    private Task<List<Stage>> OrderedStagesAsync(int pipelineId, CancellationToken cancellationToken) =>
        db.Stages.Where(s => s.PipelineId == pipelineId).OrderBy(s => s.OrderNr).ThenBy(s => s.Id).ToListAsync(cancellationToken);

    /// <summary>Puts <paramref name="item"/> at <paramref name="position"/> (clamped to the list) and numbers the list 0..n-1.</summary>
    private static void Place<T>(List<T> siblings, T item, int position, Action<T, int> setOrder)
    {
        siblings.Insert(Math.Clamp(position, 0, siblings.Count), item);
        Renumber(siblings, setOrder);
    }

    private static void Renumber<T>(List<T> items, Action<T, int> setOrder)
    {
        for (var i = 0; i < items.Count; i++)
        {
            setOrder(items[i], i);
        }
    }

    private Task<PipelineChangeResult> InLockAsync(UserAccess actor, Func<Task<PipelineChangeResult>> change, CancellationToken cancellationToken)
    {
        // The page and the endpoints are behind the GlobalAdmin policy; this keeps the rule true for any future caller.
        if (!actor.IsActive || !actor.IsGlobalAdmin)
        {
            throw new UnauthorizedAccessException("Only global admins may change pipelines and stages.");
        }

        return db.InTransactionAsync(async ct =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({PipelineLockKey})", ct);
            var result = await change();
            if (!result.Succeeded)
            {
                // A refused change may have touched tracked rows before it was refused; none of it may reach a later save.
                await db.AbandonTransactionAsync(ct);
            }

            return result;
        }, cancellationToken);
    }
}
