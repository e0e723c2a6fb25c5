using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
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
public sealed class ActivityCommands(CrmDbContext db, TimeProvider clock)
{
    public const int MaxSubjectLength = 255;

    public async Task<CommandResult<Activity>> AddAsync(UserAccess actor, ActivityChanges input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Subject) || input.DueDate is null)
        {
            return CommandError.Invalid("An activity needs a subject and a due date.");
        }

        var parent = input.Parent ?? default;
        if ((ItemContacts.RefuseBoth(parent) ?? await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken)) is { } refusal)
        {
            return refusal;
        }

        var contacts = await ItemContacts.OfParentAsync(db, parent, cancellationToken);
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
        return activity;
    }

    public async Task<CommandResult<Activity>> UpdateAsync(UserAccess actor, int activityId, ActivityChanges changes, CancellationToken cancellationToken = default)
    {
        var activity = await db.Activities.FirstOrDefaultAsync(x => x.Id == activityId, cancellationToken);
        if (activity is null)
        {
            return CommandError.NotFound("Activity");
        }

        if (await RecordAccess.CheckItemAsync(db, actor, activity, "Activity", cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (changes.Parent is { } parent && parent != ItemParent.Of(activity))
        {
            if (await ItemContacts.RefuseMoveAsync(db, actor, ItemParent.Of(activity), parent, cancellationToken) is { } moveRefusal)
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
        return activity;
    }

    public Task<CommandResult<Activity>> CompleteAsync(UserAccess actor, int activityId, CancellationToken cancellationToken = default) =>
        UpdateAsync(actor, activityId, new ActivityChanges { Done = true }, cancellationToken);

    public async Task<CommandResult<Activity>> RescheduleAsync(UserAccess actor, int activityId, DateOnly? dueDate, CancellationToken cancellationToken = default)
    {
        if (dueDate is null)
        {
            return CommandError.Invalid("Choose the new due date.");
        }

        var activity = await db.Activities.FirstOrDefaultAsync(x => x.Id == activityId, cancellationToken);
        if (activity is null)
        {
            return CommandError.NotFound("Activity");
        }

        if (await RecordAccess.CheckItemAsync(db, actor, activity, "Activity", cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (activity.Done)
        {
            return CommandError.Invalid("A done activity cannot be rescheduled.");
        }

        activity.DueDate = dueDate.Value;
        await db.SaveChangesAsync(cancellationToken);
        return activity;
    }

    public async Task<CommandResult<Activity>> DeleteAsync(UserAccess actor, int activityId, CancellationToken cancellationToken = default)
    {
        var activity = await db.Activities.FirstOrDefaultAsync(x => x.Id == activityId, cancellationToken);
        if (activity is null)
        {
            return CommandError.NotFound("Activity");
        }

        if (await RecordAccess.CheckItemAsync(db, actor, activity, "Activity", cancellationToken) is { } refusal)
        {
            return refusal;
        }

        db.Activities.Remove(activity);
        await db.SaveChangesAsync(cancellationToken);
        return activity;
    }


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

        if (await ItemContacts.CheckAsync(db, c.PersonId, c.OrganizationId, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        activity.PersonId = c.PersonId ?? activity.PersonId;
        activity.OrganizationId = c.OrganizationId ?? activity.OrganizationId;
        return null;
    }
}

/// <summary>Rules shared by activities, notes and emails about what they are linked to.</summary>
public static class ItemContacts
{
    public static async Task<(int? PersonId, int? OrganizationId)> OfParentAsync(CrmDbContext db, ItemParent parent, CancellationToken cancellationToken) => parent switch
    {
        { DealId: { } dealId } => await db.Deals.IgnoreQueryFilters().Where(d => d.Id == dealId).Select(d => new ValueTuple<int?, int?>(d.PersonId, d.OrganizationId)).FirstOrDefaultAsync(cancellationToken),
        { LeadId: { } leadId } => await db.Leads.Where(l => l.Id == leadId).Select(l => new ValueTuple<int?, int?>(l.PersonId, l.OrganizationId)).FirstOrDefaultAsync(cancellationToken),
        _ => (null, null),
    };

    public static async Task<CommandError?> CheckAsync(CrmDbContext db, int? personId, int? organizationId, CancellationToken cancellationToken)
    {
        if (personId is { } p && !await db.Persons.AnyAsync(x => x.Id == p, cancellationToken))
        {
            return CommandError.Invalid("The person does not exist.");
        }

        return organizationId is { } o && !await db.Organizations.AnyAsync(x => x.Id == o, cancellationToken)
            ? CommandError.Invalid("The organization does not exist.")
            : null;
    }

    public static CommandError? RefuseBoth(ItemParent parent) => parent is { DealId: not null, LeadId: not null }
        ? CommandError.Invalid("An item belongs to a deal or to a lead, not both: give deal_id or lead_id.")
        : null;

    /// <summary>
    /// An item moves between deals, or between leads, when the user may edit both; it never belongs to a deal and a
    /// lead at once, and it never crosses between a deal and a lead by hand: that is what conversions do, and undo
    /// relies on knowing which items a conversion moved.
    /// </summary>
    public static async Task<CommandError?> RefuseMoveAsync(CrmDbContext db, UserAccess actor, ItemParent from, ItemParent to, CancellationToken cancellationToken)
    {
        if (RefuseBoth(to) is { } both)
        {
            return both;
        }

        if ((from.LeadId is not null && to.DealId is not null) || (from.DealId is not null && to.LeadId is not null))
        {
            return CommandError.Invalid(from.LeadId is not null
                ? "This item belongs to a lead; it cannot be moved to a deal. Convert the lead to a deal to take its items along."
                : "This item belongs to a deal; it cannot be moved to a lead. Convert the deal to a lead to take its items along.");
        }

        return await RecordAccess.CheckParentAsync(db, actor, to, toEdit: true, cancellationToken);
    }
}
