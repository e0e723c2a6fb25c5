using System.Globalization;
using DealToLead.Core.Common;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>
/// A change to a deal's fields: a null property means "leave as is". <see cref="CustomFields"/> holds only the
/// keys to change; an empty string clears a value.
/// </summary>
public sealed record DealChanges
{
    public string? Title { get; init; }
    public decimal? ValueAmount { get; init; }
    public string? ValueCurrency { get; init; }
    public DateOnly? ExpectedCloseDate { get; init; }
    public bool ClearExpectedCloseDate { get; init; }
    public int? Probability { get; init; }
    public bool ClearProbability { get; init; }
    public int? OwnerId { get; init; }
    public int? PersonId { get; init; }
    public bool ClearPerson { get; init; }
    public int? OrganizationId { get; init; }
    public bool ClearOrganization { get; init; }
    public int? PipelineId { get; init; }
    public int? StageId { get; init; }
    public Visibility? Visibility { get; init; }
    public List<string>? Labels { get; init; }
    public DealStatus? Status { get; init; }
    public string? LostReason { get; init; }
    public Dictionary<string, string>? CustomFields { get; init; }
}

/// <summary>
/// Every change to a deal from the pages and the API goes through here, so that permissions, validation and
/// the history log are the same whichever way the change arrives.
/// </summary>
public sealed class DealCommands(CrmDbContext db, TimeProvider clock, WebhookEvents webhooks)
{
    public Task<CommandResult<Deal>> CreateAsync(UserAccess actor, DealChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Deal, ct => CreateInUnitAsync(actor, input, ct), cancellationToken);

    private async Task<CommandResult<Deal>> CreateInUnitAsync(UserAccess actor, DealChanges input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
        {
            return CommandError.Invalid("Title is required.");
        }

        var stageId = input.StageId;
        if (stageId is null)
        {
            var pipelineId = input.PipelineId
                ?? await db.Pipelines.OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
            stageId = await db.Stages.Where(s => s.PipelineId == pipelineId).OrderBy(s => s.OrderNr).Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);
            if (stageId is null)
            {
                return CommandError.Invalid("The pipeline has no stages.");
            }
        }

        var deal = new Deal { Title = input.Title.Trim(), OwnerId = actor.UserId, Visibility = input.Visibility ?? await CompanySettings.DefaultVisibilityAsync(db, cancellationToken) };
        var error = await ApplyAsync(deal, input with { StageId = stageId }, actor, recordHistory: false, cancellationToken);
        if (error is not null)
        {
            return CommandError.Invalid(error);
        }

        db.Deals.Add(deal);
        await db.SaveChangesAsync(cancellationToken);
        db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = clock.GetUtcNow(), UserId = actor.UserId, Field = DealHistoryFields.Created, NewValue = deal.Title });
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, deal, cancellationToken);
        return deal;
    }

    public Task<CommandResult<Deal>> UpdateAsync(UserAccess actor, int dealId, DealChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Deal, ct => UpdateInUnitAsync(actor, dealId, changes, ct), cancellationToken);

    private async Task<CommandResult<Deal>> UpdateInUnitAsync(UserAccess actor, int dealId, DealChanges changes, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null || !actor.CanSee(deal))
        {
            return CommandError.NotFound("Deal");
        }

        if (!actor.CanEdit(deal))
        {
            return CommandError.Forbidden();
        }

        var before = await webhooks.BeforeChangeAsync(deal, cancellationToken);
        var error = await ApplyAsync(deal, changes, actor, recordHistory: true, cancellationToken);
        if (error is not null)
        {
            return CommandError.Invalid(error);
        }

        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(actor.UserId, deal, before, cancellationToken);
        return deal;
    }

    public Task<CommandResult<Deal>> MoveAsync(UserAccess actor, int dealId, int stageId, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, dealId, new DealChanges { StageId = stageId }, cancellationToken);

    public Task<CommandResult<Deal>> MarkWonAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, dealId, new DealChanges { Status = DealStatus.Won }, cancellationToken);

    public Task<CommandResult<Deal>> MarkLostAsync(UserAccess actor, int dealId, string? reason, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, dealId, new DealChanges { Status = DealStatus.Lost, LostReason = reason ?? string.Empty }, cancellationToken);

    public Task<CommandResult<Deal>> ReopenAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, dealId, new DealChanges { Status = DealStatus.Open }, cancellationToken);

    public Task<CommandResult<Deal>> DeleteAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Deal, ct => DeleteInUnitAsync(actor, dealId, ct), cancellationToken);

    private async Task<CommandResult<Deal>> DeleteInUnitAsync(UserAccess actor, int dealId, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null || !actor.CanSee(deal))
        {
            return CommandError.NotFound("Deal");
        }

        if (!actor.Has(Permission.DeleteDeals) || !actor.CanEdit(deal))
        {
            return CommandError.Forbidden();
        }

        var now = clock.GetUtcNow();
        deal.DeletedAt = now;
        deal.DeletedById = actor.UserId;
        db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = DealHistoryFields.Deleted, NewValue = now.ToString("u", CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordDeleteAsync(actor.UserId, deal, cancellationToken);
        return deal;
    }

    public Task<CommandResult<Deal>> RestoreAsync(UserAccess actor, int dealId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Deal, ct => RestoreInUnitAsync(actor, dealId, ct), cancellationToken);

    private async Task<CommandResult<Deal>> RestoreInUnitAsync(UserAccess actor, int dealId, CancellationToken cancellationToken)
    {
        var deal = await db.Deals.IgnoreQueryFilters().FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null || !actor.CanSee(deal))
        {
            return CommandError.NotFound("Deal");
        }

        if (!actor.Has(Permission.RestoreDeletedDeals))
        {
            return CommandError.Forbidden();
        }

        if (!deal.IsDeleted)
        {
            return CommandError.Invalid("The deal is not deleted.");
        }

        var now = clock.GetUtcNow();
        if (!deal.IsRestorable(now))
        {
            return CommandError.Invalid("Deleted deals can be restored for 30 days only.");
        }

        deal.DeletedAt = null;
        deal.DeletedById = null;
        db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = DealHistoryFields.Restored });
        await db.SaveChangesAsync(cancellationToken);
        // A deal that comes back is, to a receiver that dropped it on its deletion, a new one again.
        await webhooks.RecordCreateAsync(actor.UserId, deal, cancellationToken);
        return deal;
    }

    private async Task<string?> ApplyAsync(Deal deal, DealChanges c, UserAccess actor, bool recordHistory, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var history = new List<DealHistoryEntry>();

        void Set<T>(string field, T oldValue, T newValue, Action<T> assign)
        {
            if (EqualityComparer<T>.Default.Equals(oldValue, newValue))
            {
                return;
            }

            assign(newValue);
            history.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = field, OldValue = Format(oldValue), NewValue = Format(newValue) });
        }

        if (c.Title is not null)
        {
            if (string.IsNullOrWhiteSpace(c.Title) || c.Title.Length > 255)
            {
                return "Title is required and must be at most 255 characters.";
            }

            Set(DealHistoryFields.Title, deal.Title, c.Title.Trim(), v => deal.Title = v);
        }

        if (c.ValueAmount is { } amount)
        {
            if (amount < 0 || amount > Money.MaxAmount)
            {
                return "Value must be zero or more.";
            }

            Set(DealHistoryFields.Value, deal.ValueAmount, amount, v => deal.ValueAmount = v);
        }

        if (c.ValueCurrency is not null)
        {
            if (!Money.IsValidCurrency(c.ValueCurrency))
            {
                return "Currency must be a three-letter ISO code such as EUR.";
            }

            Set(DealHistoryFields.Currency, deal.ValueCurrency, c.ValueCurrency, v => deal.ValueCurrency = v);
        }

        if (c.ClearExpectedCloseDate || c.ExpectedCloseDate is not null)
        {
            Set(DealHistoryFields.ExpectedCloseDate, deal.ExpectedCloseDate, c.ClearExpectedCloseDate ? null : c.ExpectedCloseDate, v => deal.ExpectedCloseDate = v);
        }

        if (c.ClearProbability || c.Probability is not null)
        {
            if (c.Probability is < 0 or > 100)
            {
                return "Probability must be between 0 and 100.";
            }

            Set(DealHistoryFields.Probability, deal.Probability, c.ClearProbability ? null : c.Probability, v => deal.Probability = v);
        }

        if (c.OwnerId is { } ownerId && ownerId != deal.OwnerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
            {
                return "Owner does not exist.";
            }

            Set(DealHistoryFields.Owner, deal.OwnerId, ownerId, v => deal.OwnerId = v);
        }

        if (c.ClearPerson || c.PersonId is not null)
        {
            if (c.PersonId is { } personId && !c.ClearPerson && !await db.Persons.AnyAsync(p => p.Id == personId, cancellationToken))
            {
                return "Person does not exist.";
            }

            Set(DealHistoryFields.Person, deal.PersonId, c.ClearPerson ? null : c.PersonId, v => deal.PersonId = v);
        }

        if (c.ClearOrganization || c.OrganizationId is not null)
        {
            if (c.OrganizationId is { } orgId && !c.ClearOrganization && !await db.Organizations.AnyAsync(o => o.Id == orgId, cancellationToken))
            {
                return "Organization does not exist.";
            }

            Set(DealHistoryFields.Organization, deal.OrganizationId, c.ClearOrganization ? null : c.OrganizationId, v => deal.OrganizationId = v);
        }

        if (c.StageId is not null || c.PipelineId is not null)
        {
            Stage? stage;
            if (c.StageId is { } stageId)
            {
                stage = await db.Stages.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stageId, cancellationToken);
                if (stage is null || (c.PipelineId is { } p && p != stage.PipelineId))
                {
                    return "Stage does not exist in that pipeline.";
                }
            }
            else
            {
                stage = await db.Stages.AsNoTracking().Where(s => s.PipelineId == c.PipelineId).OrderBy(s => s.OrderNr).FirstOrDefaultAsync(cancellationToken);
                if (stage is null)
                {
                    return "Pipeline does not exist.";
                }
            }

            Set(DealHistoryFields.Pipeline, deal.PipelineId, stage.PipelineId, v => deal.PipelineId = v);
            Set(DealHistoryFields.Stage, deal.StageId, stage.Id, v => deal.StageId = v);
        }

        if (c.Visibility is { } visibility)
        {
            Set(DealHistoryFields.Visibility, deal.Visibility, visibility, v => deal.Visibility = v);
        }

        if (c.Labels is not null)
        {
            var labels = c.Labels.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct().ToList();
            if (labels.FirstOrDefault(l => l.Length > DealLabel.MaxNameLength) is { } tooLong)
            {
                return $"A label may have at most {DealLabel.MaxNameLength} characters; \"{tooLong[..20]}…\" has {tooLong.Length}.";
            }

            if (!labels.SequenceEqual(deal.Labels))
            {
                await DealLabel.EnsureAsync(db, labels, cancellationToken);
                history.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = DealHistoryFields.Labels, OldValue = string.Join(", ", deal.Labels), NewValue = string.Join(", ", labels) });
                deal.Labels = labels;
            }
        }

        if (c.Status is { } status)
        {
            Set(DealHistoryFields.Status, deal.Status, status, v => deal.Status = v);
            switch (status)
            {
                case DealStatus.Won:
                    deal.WonAt ??= now;
                    deal.LostAt = null;
                    deal.LostReason = null;
                    break;
                case DealStatus.Lost:
                    deal.LostAt ??= now;
                    deal.WonAt = null;
                    Set(DealHistoryFields.LostReason, deal.LostReason, string.IsNullOrWhiteSpace(c.LostReason) ? null : c.LostReason.Trim(), v => deal.LostReason = v);
                    break;
                default:
                    deal.WonAt = null;
                    deal.LostAt = null;
                    deal.LostReason = null;
                    break;
            }
        }

        if (c.CustomFields is { Count: > 0 })
        {
            var definitions = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).ToListAsync(cancellationToken);
            var values = new Dictionary<string, string>(deal.CustomFields);
            var error = await CustomFieldValues.ApplyAsync(db, definitions, values, c.CustomFields, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            foreach (var key in values.Keys.Union(deal.CustomFields.Keys).ToList())
            {
                var oldValue = deal.CustomFields.GetValueOrDefault(key);
                var newValue = values.GetValueOrDefault(key);
                if (oldValue != newValue)
                {
                    history.Add(new DealHistoryEntry { DealId = deal.Id, At = now, UserId = actor.UserId, Field = key, OldValue = oldValue, NewValue = newValue });
                }
            }

            deal.CustomFields = values;
        }

        if (recordHistory)
        {
            db.DealHistory.AddRange(history);
        }

        return null;
    }

    private static string? Format<T>(T value) => value switch
    {
        null => null,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>Validates and applies custom field values of deals, persons and organizations (by the field's key).</summary>
public static class CustomFieldValues
{
    public static async Task<string?> ApplyAsync(CrmDbContext db, IReadOnlyCollection<CustomFieldDefinition> definitions, Dictionary<string, string> target, IReadOnlyDictionary<string, string> changes, CancellationToken cancellationToken = default)
    {
        foreach (var (key, rawValue) in changes)
        {
            var field = definitions.FirstOrDefault(f => f.Key == key);
            if (field is null)
            {
                return $"Unknown custom field '{key}'.";
            }

            if (field.IsFormula)
            {
                return $"'{field.Name}' is a formula field and cannot be set.";
            }

            var value = rawValue?.Trim() ?? string.Empty;
            if (value.Length == 0)
            {
                target.Remove(key);
                continue;
            }

            var error = await ValidateAsync(db, field, value, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            target[key] = value;
        }

        return null;
    }

    private static async Task<string?> ValidateAsync(CrmDbContext db, CustomFieldDefinition field, string value, CancellationToken cancellationToken)
    {
        switch (field.Type)
        {
            case CustomFieldType.Number or CustomFieldType.Monetary:
                return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _) ? null : $"'{field.Name}' must be a number.";
            case CustomFieldType.Date:
                return DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : $"'{field.Name}' must be a date (yyyy-MM-dd).";
            case CustomFieldType.SingleOption:
                return field.Options.Contains(value) ? null : $"'{field.Name}' must be one of: {string.Join(", ", field.Options)}.";
            case CustomFieldType.MultipleOptions:
                return value.Split(',').All(v => field.Options.Contains(v.Trim())) ? null : $"'{field.Name}' must be from: {string.Join(", ", field.Options)}.";
            case CustomFieldType.PersonReference:
                return int.TryParse(value, CultureInfo.InvariantCulture, out var personId) && await db.Persons.AnyAsync(p => p.Id == personId, cancellationToken)
                    ? null : $"'{field.Name}' must be an existing person id.";
            case CustomFieldType.OrganizationReference:
                return int.TryParse(value, CultureInfo.InvariantCulture, out var orgId) && await db.Organizations.AnyAsync(o => o.Id == orgId, cancellationToken)
                    ? null : $"'{field.Name}' must be an existing organization id.";
            default:
                return value.Length > 10_000 ? $"'{field.Name}' is too long." : null;
        }
    }
}
