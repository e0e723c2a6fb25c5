using System.Globalization;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record ActivityDto(int Id, string Subject, string Type, DateOnly DueDate, string? DueTime, string? Duration, int OwnerId, bool Done,
    DateTimeOffset? MarkedAsDoneTime, string? Note, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, DateTimeOffset AddTime)
{
    public static ActivityDto From(Activity a) => new(a.Id, a.Subject, a.Type.ToString().ToLowerInvariant(), a.DueDate, a.DueTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
        a.Duration?.ToString(@"hh\:mm", CultureInfo.InvariantCulture), a.OwnerId, a.Done, a.DoneAt, a.Note, a.DealId, a.LeadId, a.PersonId, a.OrganizationId, a.CreatedAt);
}

public sealed record ActivityRequest(string? Subject, string? Type, DateOnly? DueDate, string? DueTime, string? Duration, int? OwnerId, bool? Done,
    string? Note, int? DealId, int? PersonId, int? OrgId);

public sealed record NoteDto(int Id, string Content, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, int UserId, DateTimeOffset AddTime)
{
    public static NoteDto From(Note n) => new(n.Id, n.Content, n.DealId, n.LeadId, n.PersonId, n.OrganizationId, n.AuthorId, n.CreatedAt);
}

public sealed record NoteRequest(string? Content, int? DealId, int? PersonId, int? OrgId);

/// <summary>An activity or note on a deal is as visible and as editable as the deal itself.</summary>
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

    private static IQueryable<Activity> VisibleActivities(CrmDbContext db, UserAccess access) =>
        db.Activities.AsNoTracking().Where(a => a.DealId == null || db.Deals.VisibleTo(access).Any(d => d.Id == a.DealId));

    private static IQueryable<Note> VisibleNotes(CrmDbContext db, UserAccess access) =>
        db.Notes.AsNoTracking().Where(n => n.DealId == null || db.Deals.VisibleTo(access).Any(d => d.Id == n.DealId));

    /// <summary>Null when the item may be written; otherwise the refusal (404 for a deal the user may not see).</summary>
    private static async Task<IResult?> RefuseDealAsync(CrmDbContext db, UserAccess access, int? dealId, CancellationToken ct)
    {
        if (dealId is null)
        {
            return null;
        }

        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, ct);
        if (deal is null || !access.CanSee(deal))
        {
            return ApiResults.NotFound("Deal");
        }

        return access.CanEdit(deal) ? null : ApiResults.Forbidden();
    }

    private static async Task<IResult> ListActivities(CrmDbContext db, CurrentUser currentUser, [FromQuery(Name = "deal_id")] int? dealId, [FromQuery(Name = "owner_id")] int? ownerId, bool? done, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = VisibleActivities(db, await currentUser.RequireAccessAsync(ct));
        if (dealId is { } d)
        {
            query = query.Where(a => a.DealId == d);
        }

        if (ownerId is { } o)
        {
            query = query.Where(a => a.OwnerId == o);
        }

        if (done is { } isDone)
        {
            query = query.Where(a => a.Done == isDone);
        }

        var rows = await query.OrderBy(a => a.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(rows.Select(ActivityDto.From).ToList());
    }

    private static async Task<IResult> GetActivity(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        await VisibleActivities(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(a => a.Id == id, ct) is { } activity
            ? ApiResults.Ok(ActivityDto.From(activity))
            : ApiResults.NotFound("Activity");

    private static Task<IResult> CreateActivity(ActivityRequest? request, CrmDbContext db, CurrentUser currentUser, TimeProvider clock, CancellationToken ct) =>
        SaveActivityAsync(null, request, db, currentUser, clock, ct);

    private static Task<IResult> UpdateActivity(int id, ActivityRequest? request, CrmDbContext db, CurrentUser currentUser, TimeProvider clock, CancellationToken ct) =>
        SaveActivityAsync(id, request, db, currentUser, clock, ct);

    private static async Task<IResult> SaveActivityAsync(int? id, ActivityRequest? request, CrmDbContext db, CurrentUser currentUser, TimeProvider clock, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the activity as a JSON object.");
        }

        var access = await currentUser.RequireAccessAsync(ct);
        Activity? activity;
        if (id is null)
        {
            if (string.IsNullOrWhiteSpace(request.Subject) || request.DueDate is null)
            {
                return ApiResults.BadRequest("subject and due_date are required.");
            }

            activity = new Activity { Subject = request.Subject.Trim(), OwnerId = access.UserId, CreatedAt = clock.GetUtcNow() };
            db.Activities.Add(activity);
        }
        else
        {
            activity = await db.Activities.FirstOrDefaultAsync(a => a.Id == id, ct);
            if (activity is null || !await VisibleActivities(db, access).AnyAsync(a => a.Id == id, ct))
            {
                return ApiResults.NotFound("Activity");
            }

            if (await RefuseDealAsync(db, access, activity.DealId, ct) is { } refusal)
            {
                return refusal;
            }
        }

        if (await RefuseDealAsync(db, access, request.DealId, ct) is { } dealRefusal)
        {
            return dealRefusal;
        }

        if (request.Subject is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Subject) || request.Subject.Length > 255)
            {
                return ApiResults.BadRequest("subject must be 1 to 255 characters.");
            }

            activity.Subject = request.Subject.Trim();
        }

        if (request.Type is not null)
        {
            if (!Enum.TryParse<ActivityType>(request.Type, ignoreCase: true, out var type) || int.TryParse(request.Type, out _))
            {
                return ApiResults.BadRequest($"type must be one of {string.Join(", ", Enum.GetNames<ActivityType>().Select(n => n.ToLowerInvariant()))}.");
            }

            activity.Type = type;
        }

        if (request.DueDate is { } dueDate)
        {
            activity.DueDate = dueDate;
        }

        if (request.DueTime is not null)
        {
            if (!TimeOnly.TryParseExact(request.DueTime, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var dueTime))
            {
                return ApiResults.BadRequest("due_time must be HH:MM.");
            }

            activity.DueTime = dueTime;
        }

        if (request.Duration is not null)
        {
            if (!TimeSpan.TryParseExact(request.Duration, [@"hh\:mm", @"hh\:mm\:ss"], CultureInfo.InvariantCulture, out var duration))
            {
                return ApiResults.BadRequest("duration must be HH:MM.");
            }

            activity.Duration = duration;
        }

        if (request.OwnerId is { } ownerId)
        {
            if (!await db.Users.AnyAsync(u => u.Id == ownerId, ct))
            {
                return ApiResults.BadRequest("owner_id does not exist.");
            }

            activity.OwnerId = ownerId;
        }

        if (request.Done is { } done && done != activity.Done)
        {
            activity.Done = done;
            activity.DoneAt = done ? clock.GetUtcNow() : null;
        }

        if (request.Note is not null)
        {
            activity.Note = request.Note;
        }

        if (request.DealId is not null)
        {
            activity.DealId = request.DealId;
        }

        if (request.PersonId is { } personId)
        {
            if (!await db.Persons.AnyAsync(p => p.Id == personId, ct))
            {
                return ApiResults.BadRequest("person_id does not exist.");
            }

            activity.PersonId = personId;
        }

        if (request.OrgId is { } orgId)
        {
            if (!await db.Organizations.AnyAsync(o => o.Id == orgId, ct))
            {
                return ApiResults.BadRequest("org_id does not exist.");
            }

            activity.OrganizationId = orgId;
        }

        await db.SaveChangesAsync(ct);
        return id is null ? ApiResults.Created(ActivityDto.From(activity)) : ApiResults.Ok(ActivityDto.From(activity));
    }

    private static async Task<IResult> DeleteActivity(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct)
    {
        var access = await currentUser.RequireAccessAsync(ct);
        var activity = await VisibleActivities(db, access).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null)
        {
            return ApiResults.NotFound("Activity");
        }

        if (await RefuseDealAsync(db, access, activity.DealId, ct) is { } refusal)
        {
            return refusal;
        }

        await db.Activities.Where(a => a.Id == id).ExecuteDeleteAsync(ct);
        return ApiResults.Ok(new { Id = id });
    }

    private static async Task<IResult> ListNotes(CrmDbContext db, CurrentUser currentUser, [FromQuery(Name = "deal_id")] int? dealId, [FromQuery(Name = "person_id")] int? personId, [FromQuery(Name = "org_id")] int? orgId, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = VisibleNotes(db, await currentUser.RequireAccessAsync(ct));
        if (dealId is { } d)
        {
            query = query.Where(n => n.DealId == d);
        }

        if (personId is { } p)
        {
            query = query.Where(n => n.PersonId == p);
        }

        if (orgId is { } o)
        {
            query = query.Where(n => n.OrganizationId == o);
        }

        var rows = await query.OrderBy(n => n.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(rows.Select(NoteDto.From).ToList());
    }

    private static async Task<IResult> GetNote(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        await VisibleNotes(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(n => n.Id == id, ct) is { } note
            ? ApiResults.Ok(NoteDto.From(note))
            : ApiResults.NotFound("Note");

    private static async Task<IResult> CreateNote(NoteRequest? request, CrmDbContext db, CurrentUser currentUser, TimeProvider clock, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the note as a JSON object.");
        }

        if (HtmlCleaner.NoteRefusal(request.Content) is { } tooComplex)
        {
            return ApiResults.BadRequest($"content: {tooComplex}");
        }

        var access = await currentUser.RequireAccessAsync(ct);
        var content = HtmlCleaner.Clean(request.Content);
        if (string.IsNullOrWhiteSpace(content))
        {
            return ApiResults.BadRequest("content is required.");
        }

        if (request.DealId is null && request.PersonId is null && request.OrgId is null)
        {
            return ApiResults.BadRequest("A note needs a deal_id, person_id or org_id.");
        }

        if (await RefuseDealAsync(db, access, request.DealId, ct) is { } refusal)
        {
            return refusal;
        }

        if (request.PersonId is { } personId && !await db.Persons.AnyAsync(p => p.Id == personId, ct))
        {
            return ApiResults.BadRequest("person_id does not exist.");
        }

        if (request.OrgId is { } orgId && !await db.Organizations.AnyAsync(o => o.Id == orgId, ct))
        {
            return ApiResults.BadRequest("org_id does not exist.");
        }

        var note = new Note { Content = content, AuthorId = access.UserId, DealId = request.DealId, PersonId = request.PersonId, OrganizationId = request.OrgId, CreatedAt = clock.GetUtcNow() };
        db.Notes.Add(note);
        await db.SaveChangesAsync(ct);
        return ApiResults.Created(NoteDto.From(note));
    }

    private static async Task<IResult> UpdateNote(int id, NoteRequest? request, CrmDbContext db, CurrentUser currentUser, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        var access = await currentUser.RequireAccessAsync(ct);
        if (!await VisibleNotes(db, access).AnyAsync(n => n.Id == id, ct))
        {
            return ApiResults.NotFound("Note");
        }

        var note = await db.Notes.FirstAsync(n => n.Id == id, ct);
        if (await RefuseDealAsync(db, access, note.DealId, ct) is { } refusal)
        {
            return refusal;
        }

        if (request.Content is not null)
        {
            if (HtmlCleaner.NoteRefusal(request.Content) is { } tooComplex)
            {
                return ApiResults.BadRequest($"content: {tooComplex}");
            }

            var content = HtmlCleaner.Clean(request.Content);
            if (string.IsNullOrWhiteSpace(content))
            {
                return ApiResults.BadRequest("content cannot be empty.");
            }

            note.Content = content;
        }

        if (request.DealId is not null)
        {
            if (await RefuseDealAsync(db, access, request.DealId, ct) is { } dealRefusal)
            {
                return dealRefusal;
            }

            note.DealId = request.DealId;
        }

        await db.SaveChangesAsync(ct);
        return ApiResults.Ok(NoteDto.From(note));
    }

    private static async Task<IResult> DeleteNote(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct)
    {
        var access = await currentUser.RequireAccessAsync(ct);
        var note = await VisibleNotes(db, access).FirstOrDefaultAsync(n => n.Id == id, ct);
        if (note is null)
        {
            return ApiResults.NotFound("Note");
        }

        if (await RefuseDealAsync(db, access, note.DealId, ct) is { } refusal)
        {
            return refusal;
        }

        await db.Notes.Where(n => n.Id == id).ExecuteDeleteAsync(ct);
        return ApiResults.Ok(new { Id = id });
    }
}
