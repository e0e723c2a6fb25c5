using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>A change to an activity: a null property means "leave as is".</summary>
public sealed record ActivityChanges
{
    public string? Subject { get; init; }
    public ActivityType? Type { get; init; }
    public DateOnly? DueDate { get; init; }
    public TimeOnly? DueTime { get; init; }
    public TimeSpan? Duration { get; init; }
    public int? OwnerId { get; init; }
    public bool? Done { get; init; }
    public string? Note { get; init; }

    /// <summary>The deal or lead to put the activity on; null keeps it where it is.</summary>
    public ItemParent? Parent { get; init; }

    public int? PersonId { get; init; }
    public int? OrganizationId { get; init; }
}

/// <summary>
/// Every change to an activity, on a deal or a lead, from the pages and the API: an activity may be changed by
/// whoever may edit its deal or lead (<see cref="RecordAccess"/>).
/// </summary>
public sealed class ActivityCommands(CrmDbContext db, TimeProvider clock, WebhookEvents webhooks)
{
    public const int MaxSubjectLength = 255;

    public Task<CommandResult<Activity>> AddAsync(UserAccess actor, ActivityChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Activity, ct => AddInUnitAsync(actor, input, ct), cancellationToken);

    private async Task<CommandResult<Activity>> AddInUnitAsync(UserAccess actor, ActivityChanges input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Subject) || input.DueDate is null)
        {
            return CommandError.Invalid("An activity needs a subject and a due date.");
        }

        var parent = input.Parent ?? default;
        if ((ItemRules.RefuseBoth(parent) ?? await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken)) is { } refusal)
        {
            return refusal;
        }

        var contacts = await ItemRules.OfParentAsync(db, parent, cancellationToken);
        var activity = new Activity
        {
            Subject = string.Empty,
            OwnerId = actor.UserId,
            DealId = parent.DealId,
            LeadId = parent.LeadId,
            PersonId = contacts.PersonId,
            OrganizationId = contacts.OrganizationId,
            CreatedAt = clock.GetUtcNow(),
        };
        if (await ApplyAsync(activity, input with { Parent = null }, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        db.Activities.Add(activity);
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, activity, cancellationToken);
        return activity;
    }

    public Task<CommandResult<Activity>> UpdateAsync(UserAccess actor, int activityId, ActivityChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Activity, ct => UpdateInUnitAsync(actor, activityId, changes, ct), cancellationToken);

    private async Task<CommandResult<Activity>> UpdateInUnitAsync(UserAccess actor, int activityId, ActivityChanges changes, CancellationToken cancellationToken)
    {
        var (activity, refusal) = await ItemRules.FindEditableAsync<Activity>(db, actor, activityId, "Activity", cancellationToken);
        if (activity is null)
        {
            return refusal!;
        }

        var before = await webhooks.BeforeChangeAsync(activity, cancellationToken);

        if (changes.Parent is { } parent && parent != ItemParent.Of(activity))
        {
            if (await ItemRules.RefuseMoveAsync(db, actor, ItemParent.Of(activity), parent, cancellationToken) is { } moveRefusal)
            {
                return moveRefusal;
            }

            (activity.DealId, activity.LeadId, activity.MovedFromDealId) = (parent.DealId, parent.LeadId, null);
        }

        if (await ApplyAsync(activity, changes, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(actor.UserId, activity, before, cancellationToken);
        return activity;
    }

    public Task<CommandResult<Activity>> CompleteAsync(UserAccess actor, int activityId, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, activityId, new ActivityChanges { Done = true }, cancellationToken);

    public Task<CommandResult<Activity>> RescheduleAsync(UserAccess actor, int activityId, DateOnly? dueDate, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Activity, ct => RescheduleInUnitAsync(actor, activityId, dueDate, ct), cancellationToken);

    private async Task<CommandResult<Activity>> RescheduleInUnitAsync(UserAccess actor, int activityId, DateOnly? dueDate, CancellationToken cancellationToken)
    {
        if (dueDate is null)
        {
            return CommandError.Invalid("Choose the new due date.");
        }

        var (activity, refusal) = await ItemRules.FindEditableAsync<Activity>(db, actor, activityId, "Activity", cancellationToken);
        if (activity is null)
        {
            return refusal!;
        }

        if (activity.Done)
        {
            return CommandError.Invalid("A done activity cannot be rescheduled.");
        }

        var before = await webhooks.BeforeChangeAsync(activity, cancellationToken);
        activity.DueDate = dueDate.Value;
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(actor.UserId, activity, before, cancellationToken);
        return activity;
    }

    public Task<CommandResult<Activity>> DeleteAsync(UserAccess actor, int activityId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Activity, async ct =>
        {
            var deleted = await ItemRules.DeleteAsync<Activity>(db, actor, activityId, "Activity", ct);
            if (deleted.Value is { } activity)
            {
                await webhooks.RecordDeleteAsync(actor.UserId, activity, ct);
            }

            return deleted;
        }, cancellationToken);


    private async Task<CommandError?> ApplyAsync(Activity activity, ActivityChanges c, CancellationToken cancellationToken)
    {
        if (c.Subject is not null)
        {
            if (string.IsNullOrWhiteSpace(c.Subject) || c.Subject.Trim().Length > MaxSubjectLength)
            {
                return CommandError.Invalid($"The subject must be 1 to {MaxSubjectLength} characters.");
            }

            activity.Subject = c.Subject.Trim();
        }

        if (c.Type is { } type)
        {
            activity.Type = type;
        }

        if (c.DueDate is { } dueDate)
        {
            activity.DueDate = dueDate;
        }

        if (c.DueTime is { } dueTime)
        {
            activity.DueTime = dueTime;
        }

        if (c.Duration is { } duration)
        {
            if (duration < TimeSpan.Zero || duration >= TimeSpan.FromDays(1))
            {
                return CommandError.Invalid("The duration must be under 24 hours.");
            }

            activity.Duration = duration == TimeSpan.Zero ? null : duration;
        }

        if (c.OwnerId is { } ownerId && ownerId != activity.OwnerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
            {
                return CommandError.Invalid("The owner must be an active user.");
            }

            activity.OwnerId = ownerId;
        }

        if (c.Done is { } done && done != activity.Done)
        {
            activity.Done = done;
            activity.DoneAt = done ? clock.GetUtcNow() : null;
        }

        if (c.Note is not null)
        {
            activity.Note = string.IsNullOrWhiteSpace(c.Note) ? null : c.Note.Trim();
        }

        if (await ItemRules.CheckAsync(db, c.PersonId, c.OrganizationId, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        activity.PersonId = c.PersonId ?? activity.PersonId;
        activity.OrganizationId = c.OrganizationId ?? activity.OrganizationId;
        return null;
    }
}
