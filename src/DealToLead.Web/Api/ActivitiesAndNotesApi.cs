using System.Globalization;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

[OmitNulls]
public sealed record ActivityDto(int Id, string Subject, string Type, DateOnly DueDate, string? DueTime, string? Duration, int OwnerId, bool Done,
    DateTimeOffset? MarkedAsDoneTime, string? Note, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, DateTimeOffset AddTime)
{
    public static ActivityDto From(Activity a) => new(a.Id, a.Subject, a.Type.ToString().ToLowerInvariant(), a.DueDate, a.DueTime?.ToString("HH:mm", CultureInfo.InvariantCulture),
        a.Duration?.ToString(@"hh\:mm", CultureInfo.InvariantCulture), a.OwnerId, a.Done, a.DoneAt, a.Note, a.DealId, a.LeadId, a.PersonId, a.OrganizationId, a.CreatedAt);
}

public sealed record ActivityRequest(string? Subject, string? Type, DateOnly? DueDate, string? DueTime, string? Duration, int? OwnerId, bool? Done,
    string? Note, int? DealId, Guid? LeadId, int? PersonId, int? OrgId);

public sealed record NoteDto(int Id, string Content, int? DealId, Guid? LeadId, int? PersonId, int? OrgId, int UserId, DateTimeOffset AddTime)
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

    private static async Task<IResult> ListActivities(CrmDbContext db, CurrentUser currentUser, [FromQuery(Name = "deal_id")] int? dealId, [FromQuery(Name = "lead_id")] Guid? leadId,
        [FromQuery(Name = "owner_id")] int? ownerId, bool? done, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = db.Activities.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct));
        query = dealId is { } d ? query.Where(a => a.DealId == d) : query;
        query = leadId is { } l ? query.Where(a => a.LeadId == l) : query;
        query = ownerId is { } o ? query.Where(a => a.OwnerId == o) : query;
        query = done is { } isDone ? query.Where(a => a.Done == isDone) : query;
        var rows = await query.OrderBy(a => a.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(rows.Select(ActivityDto.From).ToList());
    }

    private static async Task<IResult> GetActivity(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        await db.Activities.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(a => a.Id == id, ct) is { } activity
            ? ApiResults.Ok(ActivityDto.From(activity))
            : ApiResults.NotFound("Activity");

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

    private static async Task<IResult> ListNotes(CrmDbContext db, CurrentUser currentUser, [FromQuery(Name = "deal_id")] int? dealId, [FromQuery(Name = "lead_id")] Guid? leadId,
        [FromQuery(Name = "person_id")] int? personId, [FromQuery(Name = "org_id")] int? orgId, int? start, int? limit, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var query = db.Notes.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct));
        query = dealId is { } d ? query.Where(n => n.DealId == d) : query;
        query = leadId is { } l ? query.Where(n => n.LeadId == l) : query;
        query = personId is { } p ? query.Where(n => n.PersonId == p) : query;
        query = orgId is { } o ? query.Where(n => n.OrganizationId == o) : query;
        var rows = await query.OrderBy(n => n.Id).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(rows.Select(NoteDto.From).ToList());
    }

    private static async Task<IResult> GetNote(int id, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        await db.Notes.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct)).FirstOrDefaultAsync(n => n.Id == id, ct) is { } note
            ? ApiResults.Ok(NoteDto.From(note))
            : ApiResults.NotFound("Note");

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
