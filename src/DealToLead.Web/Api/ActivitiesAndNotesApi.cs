using System.Globalization;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

/// <summary><c>deal_is_deleted</c> is DealToLead's own: the activity stays on a deleted (e.g. converted) deal, readable but not editable.</summary>
[OmitNulls]
public sealed record ActivityDto(int Id, string Subject, string Type, DateOnly DueDate, string? DueTime, string? Duration, int OwnerId, bool Done,
    DateTimeOffset? MarkedAsDoneTime, string? Note, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, DateTimeOffset AddTime, bool DealIsDeleted = false)
{
    public static ActivityDto From(Activity a) => new(a.Id, a.Subject, a.Type.ToString().ToLowerInvariant(), a.DueDate, a.DueTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
        a.Duration?.ToString(@"hh\:mm", CultureInfo.InvariantCulture), a.OwnerId, a.Done, a.DoneAt, a.Note, a.DealId, a.LeadId, a.PersonId, a.OrganizationId, a.CreatedAt);
}

public sealed record ActivityRequest(string? Subject, string? Type, DateOnly? DueDate, string? DueTime, string? Duration, int? OwnerId, bool? Done,
    string? Note, int? DealId, Guid? LeadId, int? PersonId, int? OrgId);

/// <summary><c>deal_is_deleted</c> is DealToLead's own, as on <see cref="ActivityDto"/>.</summary>
public sealed record NoteDto(int Id, string Content, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, int UserId, DateTimeOffset AddTime, bool DealIsDeleted = false)
{
    public static NoteDto From(Note n) => new(n.Id, n.Content, n.DealId, n.LeadId, n.PersonId, n.OrganizationId, n.AuthorId, n.CreatedAt);
}

public sealed record NoteRequest(string? Content, int? DealId, Guid? LeadId, int? PersonId, int? OrgId);

/// <summary>Pipedrive's activities (v2) and notes (v1): HTTP in, <see cref="ActivityCommands"/> and <see cref="NoteCommands"/>, HTTP out.</summary>
public static class ActivitiesAndNotesApi
{
    public static RouteGroupBuilder MapActivitiesAndNotesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v2/activities", ListActivities);
        api.MapGet("/v2/activities/{id:int}", GetActivity);
        api.MapPost("/v2/activities", CreateActivity);
        api.MapPatch("/v2/activities/{id:int}", UpdateActivity);
        api.MapDelete("/v2/activities/{id:int}", DeleteActivity);
        api.MapGet("/v1/notes", ListNotes);
        api.MapGet("/v1/notes/{id:int}", GetNote);
        api.MapPost("/v1/notes", CreateNote);
        api.MapPut("/v1/notes/{id:int}", UpdateNote);
        api.MapPatch("/v1/notes/{id:int}", UpdateNote);
        api.MapDelete("/v1/notes/{id:int}", DeleteNote);
        return api;
    }

    private static readonly KeysetSorts<Activity, int> ActivitySorts = new KeysetSorts<Activity, int>(a => a.Id)
        .With("add_time", a => a.CreatedAt)
        .With("due_date", a => a.DueDate);

    /// <summary>The query parameters of Pipedrive's v2 getActivities that DealToLead reads.</summary>
    public sealed record ActivityListQuery(
        [property: FromQuery(Name = "filter_id")] int? FilterId,
        string? Ids,
        [property: FromQuery(Name = "owner_id")] int? OwnerId,
        [property: FromQuery(Name = "deal_id")] int? DealId,
        [property: FromQuery(Name = "lead_id")] Guid? LeadId,
        [property: FromQuery(Name = "person_id")] int? PersonId,
        [property: FromQuery(Name = "org_id")] int? OrgId,
        bool? Done,
        [property: FromQuery(Name = "updated_since")] string? UpdatedSince,
        [property: FromQuery(Name = "updated_until")] string? UpdatedUntil);

    private static async Task<IResult> ListActivities(ReadContext reads, CurrentUser currentUser, [AsParameters] ActivityListQuery q, [AsParameters] CursorQuery page, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (ListParameters.RefuseFilterId(q.FilterId) is { } refused)
        {
            return refused;
        }

        if (q.UpdatedSince is not null || q.UpdatedUntil is not null)
        {
            return ApiResults.BadRequest("updated_since and updated_until are not supported for activities: DealToLead does not record when an activity was last changed.");
        }

        if (!ActivitySorts.TryRead(page, out var paging, out var error) || !ListParameters.TryReadIds(q.Ids, out var ids, out error))
        {
            return error!;
        }

        var query = db.Activities.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct));
        query = q.DealId is { } d ? query.Where(a => a.DealId == d) : query;
        query = q.LeadId is { } l ? query.Where(a => a.LeadId == l) : query;
        query = q.OwnerId is { } o ? query.Where(a => a.OwnerId == o) : query;
        query = q.Done is { } isDone ? query.Where(a => a.Done == isDone) : query;
        query = q.PersonId is { } p ? query.Where(a => a.PersonId == p) : query;
        query = q.OrgId is { } org ? query.Where(a => a.OrganizationId == org) : query;
        query = ids is null ? query : query.Where(a => ids.Contains(a.Id));
        if (q.DealId is null && ids is null)
        {
            // As in Pipedrive, a deleted deal's items are listed only when asked for by deal or by id. The deleted_at test
            // is explicit: the visibility check ignores query filters, which EF then ignores in the whole query.
            query = query.Where(a => a.DealId == null || db.Deals.IgnoreQueryFilters().Any(deal => deal.Id == a.DealId && deal.DeletedAt == null));
        }

        var activities = await paging.ReadAsync(query, ct);
        var deleted = await DeletedDealIdsAsync(db, activities.Items.Select(a => a.DealId), ct);
        return activities.Ok(activities.Items.Select(a => ActivityDto.From(a) with { DealIsDeleted = a.DealId is { } dealId && deleted.Contains(dealId) }));
    }

    private static async Task<IResult> GetActivity(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct)
    {
        var activity = await db.Activities.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
        {
            return ApiResults.NotFound("Activity");
        }

        var deleted = await DeletedDealIdsAsync(db, [activity.DealId], ct);
        return ApiResults.Ok(ActivityDto.From(activity) with { DealIsDeleted = deleted.Count > 0 });
    }

    /// <summary>Which of these deals are deleted (converted deals included): their items are shown, marked, and cannot be changed.</summary>
    private static async Task<HashSet<int>> DeletedDealIdsAsync(CrmDbContext db, IEnumerable<int?> dealIds, CancellationToken ct)
    {
        var ids = dealIds.OfType<int>().Distinct().ToList();
        return ids.Count == 0
            ? []
            : (await db.Deals.IgnoreQueryFilters().Where(d => ids.Contains(d.Id) && d.DeletedAt != null).Select(d => d.Id).ToListAsync(ct)).ToHashSet();
    }

    private static async Task<IResult> CreateActivity(ActivityRequest? request, CurrentUser currentUser, ActivityCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the activity as a JSON object.");
        }

        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.AddAsync(await currentUser.RequireAccessAsync(ct), changes, ct);
        return result.ToApi(ActivityDto.From, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateActivity(int id, ActivityRequest? request, CurrentUser currentUser, ActivityCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        if (!TryChanges(request, out var changes, out var error))
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.UpdateAsync(await currentUser.RequireAccessAsync(ct), id, changes, ct);
        return result.ToApi(ActivityDto.From);
    }

    private static async Task<IResult> DeleteActivity(int id, CurrentUser currentUser, ActivityCommands commands, CancellationToken ct) =>
        (await commands.DeleteAsync(await currentUser.RequireAccessAsync(ct), id, ct)).ToApi(a => new { a.Id });

    private static async Task<IResult> ListNotes(ReadContext reads, CurrentUser currentUser, [FromQuery(Name = "deal_id")] int? dealId, [FromQuery(Name = "lead_id")] Guid? leadId,
        [FromQuery(Name = "person_id")] int? personId, [FromQuery(Name = "org_id")] int? orgId, int? start, int? limit, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = db.Notes.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct));
        query = dealId is { } d ? query.Where(n => n.DealId == d) : query;
        query = leadId is { } l ? query.Where(n => n.LeadId == l) : query;
        query = personId is { } p ? query.Where(n => n.PersonId == p) : query;
        query = orgId is { } o ? query.Where(n => n.OrganizationId == o) : query;
        if (dealId is null)
        {
            query = query.Where(n => n.DealId == null || db.Deals.IgnoreQueryFilters().Any(deal => deal.Id == n.DealId && deal.DeletedAt == null));
        }

        var rows = await query.OrderBy(n => n.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        var deleted = await DeletedDealIdsAsync(db, rows.Select(n => n.DealId), ct);
        return paging.Page(rows.Select(n => NoteDto.From(n) with { DealIsDeleted = n.DealId is { } id && deleted.Contains(id) }).ToList());
    }

    private static async Task<IResult> GetNote(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct)
    {
        var note = await db.Notes.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(n => n.Id == id, ct);
        if (note is null)
        {
            return ApiResults.NotFound("Note");
        }

        var deleted = await DeletedDealIdsAsync(db, [note.DealId], ct);
        return ApiResults.Ok(NoteDto.From(note) with { DealIsDeleted = deleted.Count > 0 });
    }

    private static async Task<IResult> CreateNote(NoteRequest? request, CurrentUser currentUser, NoteCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the note as a JSON object.");
        }

        var result = await commands.AddAsync(await currentUser.RequireAccessAsync(ct), ToChanges(request), ct);
        return result.ToApi(NoteDto.From, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateNote(int id, NoteRequest? request, CurrentUser currentUser, NoteCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        var result = await commands.UpdateAsync(await currentUser.RequireAccessAsync(ct), id, ToChanges(request), ct);
        return result.ToApi(NoteDto.From);
    }

    private static async Task<IResult> DeleteNote(int id, CurrentUser currentUser, NoteCommands commands, CancellationToken ct) =>
        // Pipedrive's v1 answers a deleted note with "data": true.
        (await commands.DeleteAsync(await currentUser.RequireAccessAsync(ct), id, ct)).ToApi(_ => true);

    private static ItemParent? Parent(int? dealId, Guid? leadId) => dealId is null && leadId is null ? null : new ItemParent(dealId, leadId);

    private static NoteChanges ToChanges(NoteRequest r) =>
        new() { Content = r.Content, Parent = Parent(r.DealId, r.LeadId), PersonId = r.PersonId, OrganizationId = r.OrgId };

    /// <summary>Pipedrive's spellings (type names, HH:MM times) into typed changes; the rules are the command's.</summary>
    private static bool TryChanges(ActivityRequest r, out ActivityChanges changes, out string? error)
    {
        changes = new ActivityChanges();
        error = null;
        ActivityType? type = null;
        if (r.Type is not null)
        {
            if (!Enum.TryParse<ActivityType>(r.Type, ignoreCase: true, out var parsed) || int.TryParse(r.Type, out _))
            {
                error = $"type must be one of {string.Join(", ", Enum.GetNames<ActivityType>().Select(n => n.ToLowerInvariant()))}.";
                return false;
            }

            type = parsed;
        }

        TimeOnly? dueTime = null;
        if (r.DueTime is not null)
        {
            if (!TimeOnly.TryParseExact(r.DueTime, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                error = "due_time must be HH:MM.";
                return false;
            }

            dueTime = parsed;
        }

        TimeSpan? duration = null;
        if (r.Duration is not null)
        {
            if (!TimeSpan.TryParseExact(r.Duration, [@"hh\:mm", @"hh\:mm\:ss"], CultureInfo.InvariantCulture, out var parsed))
            {
                error = "duration must be HH:MM.";
                return false;
            }

            duration = parsed;
        }

        changes = new ActivityChanges
        {
            Subject = r.Subject,
            Type = type,
            DueDate = r.DueDate,
            DueTime = dueTime,
            Duration = duration,
            OwnerId = r.OwnerId,
            Done = r.Done,
            Note = r.Note,
            Parent = Parent(r.DealId, r.LeadId),
            PersonId = r.PersonId,
            OrganizationId = r.OrgId,
        };
        return true;
    }
}
