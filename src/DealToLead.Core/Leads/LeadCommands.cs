using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Leads;

/// <summary>
/// A change to a lead's fields: a null property means "leave as is". <see cref="CustomFields"/> holds only the deal
/// custom fields to change (a lead carries the deal's fields); an empty string clears a value.
/// </summary>
public sealed record LeadChanges
{
    public string? Title { get; init; }
    public int? OwnerId { get; init; }
    public int? PersonId { get; init; }
    public bool ClearPerson { get; init; }
    public int? OrganizationId { get; init; }
    public bool ClearOrganization { get; init; }
    public decimal? ValueAmount { get; init; }
    public string? ValueCurrency { get; init; }
    public bool ClearValue { get; init; }
    public DateOnly? ExpectedCloseDate { get; init; }
    public bool ClearExpectedCloseDate { get; init; }
    public int? Probability { get; init; }
    public bool ClearProbability { get; init; }
    public Visibility? Visibility { get; init; }
    public IReadOnlyCollection<Guid>? LabelIds { get; init; }
    public bool? WasSeen { get; init; }
    public bool? IsArchived { get; init; }
    public IReadOnlyDictionary<string, string>? CustomFields { get; init; }
}

/// <summary>
/// Every change to a lead from the pages and the API goes through here: a lead is changed by whoever may edit it
/// (<see cref="RecordAccess"/>), and its custom field values obey the same rules as a deal's.
/// </summary>
public sealed class LeadCommands(CrmDbContext db, TimeProvider clock, WebhookEvents webhooks)
{
    public const int MaxTitleLength = 255;

    public Task<CommandResult<Lead>> CreateAsync(UserAccess actor, LeadSource source, LeadChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Lead, ct => CreateInUnitAsync(actor, source, input, ct), cancellationToken);

    private async Task<CommandResult<Lead>> CreateInUnitAsync(UserAccess actor, LeadSource source, LeadChanges input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Title))
        {
            return CommandError.Invalid("A lead needs a title.");
        }

        var visibility = input.Visibility ?? await CompanySettings.DefaultVisibilityAsync(db, cancellationToken);
        // A lead you create yourself by hand is not news to you.
        var lead = new Lead { Title = string.Empty, OwnerId = actor.UserId, CreatorId = actor.UserId, Source = source, Visibility = visibility, WasSeen = source == LeadSource.ManuallyCreated };
        if (await ApplyAsync(lead, input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        db.Leads.Add(lead);
        db.LeadLog.Add(new LeadLogEntry { LeadId = lead.Id, At = clock.GetUtcNow(), UserId = actor.UserId, Kind = LeadLogKind.Created });
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, lead, cancellationToken);
        return lead;
    }

    public Task<CommandResult<Lead>> UpdateAsync(UserAccess actor, Guid leadId, LeadChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Lead, ct => UpdateInUnitAsync(actor, leadId, changes, ct), cancellationToken);

    private async Task<CommandResult<Lead>> UpdateInUnitAsync(UserAccess actor, Guid leadId, LeadChanges changes, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null || !actor.CanSee(lead))
        {
            return CommandError.NotFound("Lead");
        }

        if (!actor.CanEdit(lead))
        {
            return CommandError.Forbidden("You may not edit this lead: it is owned by another user.");
        }

        var before = await webhooks.BeforeChangeAsync(lead, cancellationToken);
        if (await ApplyAsync(lead, changes, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(actor.UserId, lead, before, cancellationToken);
        return lead;
    }

    public Task<CommandResult<Lead>> SetLabelsAsync(UserAccess actor, Guid leadId, IReadOnlyCollection<Guid> labelIds, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, leadId, new LeadChanges { LabelIds = labelIds }, cancellationToken);

    public Task<CommandResult<Lead>> SetArchivedAsync(UserAccess actor, Guid leadId, bool archived, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, leadId, new LeadChanges { IsArchived = archived }, cancellationToken);

    /// <summary>Archives or unarchives the leads among <paramref name="leadIds"/> the user may edit; returns how many changed.</summary>
    public Task<int> SetArchivedAsync(UserAccess actor, IReadOnlyCollection<Guid> leadIds, bool archived, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Lead, async ct =>
        {
            var now = clock.GetUtcNow();
            var changing = db.Leads.EditableBy(actor).Where(l => leadIds.Contains(l.Id) && l.IsArchived != archived);
            var before = new List<(Lead Lead, System.Text.Json.JsonElement? Data)>();
            foreach (var lead in await changing.AsNoTracking().ToListAsync(ct))
            {
                before.Add((lead, await webhooks.BeforeChangeAsync(lead, ct)));
            }

            var changed = await changing.ExecuteUpdateAsync(s => s.SetProperty(l => l.IsArchived, archived).SetProperty(l => l.UpdatedAt, now).SetProperty(l => l.UpdatedById, actor.UserId), ct);
            foreach (var (lead, data) in before.Where(b => b.Data is not null))
            {
                (lead.IsArchived, lead.UpdatedAt, lead.UpdatedById) = (archived, now, actor.UserId);
                await webhooks.RecordChangeAsync(actor.UserId, lead, data, ct);
            }

            return changed;
        }, cancellationToken);

    /// <summary>Deletes the lead with its activities, notes and emails. A deal it came from stays deleted and restorable.</summary>
    public Task<CommandResult<Lead>> DeleteAsync(UserAccess actor, Guid leadId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Lead, ct => DeleteInUnitAsync(actor, leadId, ct), cancellationToken);

    private async Task<CommandResult<Lead>> DeleteInUnitAsync(UserAccess actor, Guid leadId, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
        if (lead is null || !actor.CanSee(lead))
        {
            return CommandError.NotFound("Lead");
        }

        if (!actor.CanEdit(lead))
        {
            return CommandError.Forbidden("You may not delete this lead: it is owned by another user.");
        }

        await webhooks.RecordDeleteAsync(actor.UserId, lead, cancellationToken);
        await db.Leads.Where(l => l.Id == leadId).ExecuteDeleteAsync(cancellationToken);
        return lead;
    }

    private async Task<CommandError?> ApplyAsync(Lead lead, LeadChanges c, CancellationToken cancellationToken)
    {
        if (c.Title is not null)
        {
            if (string.IsNullOrWhiteSpace(c.Title) || c.Title.Trim().Length > MaxTitleLength)
            {
                return CommandError.Invalid($"The title must be 1 to {MaxTitleLength} characters.");
            }

            lead.Title = c.Title.Trim();
        }

        if (c.OwnerId is { } ownerId && ownerId != lead.OwnerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
            {
                return CommandError.Invalid("The owner must be an active user.");
            }

            lead.OwnerId = ownerId;
        }

        if (c.ClearPerson || c.PersonId is not null)
        {
            if (await ItemRules.CheckAsync(db, c.ClearPerson ? null : c.PersonId, null, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            lead.PersonId = c.ClearPerson ? null : c.PersonId;
        }

        if (c.ClearOrganization || c.OrganizationId is not null)
        {
            if (await ItemRules.CheckAsync(db, null, c.ClearOrganization ? null : c.OrganizationId, cancellationToken) is { } invalid)
            {
                return invalid;
            }

            lead.OrganizationId = c.ClearOrganization ? null : c.OrganizationId;
        }

        if (lead.PersonId is null && lead.OrganizationId is null)
        {
            return CommandError.Invalid("A lead needs a person or an organization.");
        }

        if (c.ClearValue)
        {
            (lead.ValueAmount, lead.ValueCurrency) = (null, null);
        }
        else if (c.ValueAmount is { } amount)
        {
            var currency = c.ValueCurrency?.Trim().ToUpperInvariant() ?? lead.ValueCurrency;
            if (amount is < 0 or > Money.MaxAmount)
            {
                return CommandError.Invalid("The value must be zero or more.");
            }

            if (!Money.IsValidCurrency(currency))
            {
                return CommandError.Invalid("Give the value's currency as a three-letter code, e.g. EUR.");
            }

            (lead.ValueAmount, lead.ValueCurrency) = (amount, currency);
        }

        if (c.ClearExpectedCloseDate || c.ExpectedCloseDate is not null)
        {
            lead.ExpectedCloseDate = c.ClearExpectedCloseDate ? null : c.ExpectedCloseDate;
        }

        if (c.ClearProbability)
        {
            lead.Probability = null;
        }
        else if (c.Probability is { } probability)
        {
            if (probability is < 0 or > 100)
            {
                return CommandError.Invalid("The probability must be between 0 and 100.");
            }

            lead.Probability = probability;
        }

        if (c.Visibility is { } visibility)
        {
            lead.Visibility = visibility;
        }

        if (c.LabelIds is not null)
        {
            var labelIds = c.LabelIds.Distinct().ToList();
            if (await db.LeadLabels.CountAsync(l => labelIds.Contains(l.Id), cancellationToken) != labelIds.Count)
            {
                return CommandError.Invalid("One of the labels does not exist.");
            }

            lead.LabelIds = labelIds;
        }

        lead.WasSeen = c.WasSeen ?? lead.WasSeen;
        lead.IsArchived = c.IsArchived ?? lead.IsArchived;

        if (c.CustomFields is { Count: > 0 })
        {
            var definitions = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).ToListAsync(cancellationToken);
            var values = new Dictionary<string, string>(lead.CustomFields);
            if (await CustomFieldValues.ApplyAsync(db, definitions, values, c.CustomFields, cancellationToken) is { } error)
            {
                return CommandError.Invalid(error);
            }

            lead.CustomFields = values;
        }

        return null;
    }
}
