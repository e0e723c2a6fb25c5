using System.Globalization;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Api;

/// <summary>Pipedrive v1 leads, lead labels and lead sources.</summary>
public static class LeadsApi
{
    public static RouteGroupBuilder MapLeadsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/leads", ([AsParameters] LeadListQuery query, CurrentUser user, ReadContext reads, IOptions<SmartBccOptions> bcc, CancellationToken ct) => ListAsync(query, archived: false, user, reads, bcc, ct))
            .WithName("GetLeads").WithSummary("Non-archived leads, paged with limit/start, or with cursor (additional_data.next_cursor) at any depth.");
        api.MapGet("/v1/leads/archived", ([AsParameters] LeadListQuery query, CurrentUser user, ReadContext reads, IOptions<SmartBccOptions> bcc, CancellationToken ct) => ListAsync(query, archived: true, user, reads, bcc, ct))
            .WithName("GetArchivedLeads").WithSummary("Archived leads, paged with limit/start, or with cursor (additional_data.next_cursor) at any depth.");
        api.MapGet("/v1/leads/{id}", GetAsync).WithName("GetLead");
        api.MapPost("/v1/leads", CreateAsync).WithName("AddLead");
        api.MapPatch("/v1/leads/{id}", UpdateAsync).WithName("UpdateLead");
        api.MapDelete("/v1/leads/{id}", DeleteAsync).WithName("DeleteLead");
        api.MapGet("/v1/leadSources", () => ApiResults.Ok(Enum.GetValues<LeadSource>().Select(s => new { name = s.Name() })))
            .WithName("GetLeadSources");
        api.MapGet("/v1/leadLabels", ListLabelsAsync).WithName("GetLeadLabels");
        api.MapPost("/v1/leadLabels", CreateLabelAsync).WithName("AddLeadLabel");
        api.MapPatch("/v1/leadLabels/{id}", UpdateLabelAsync).WithName("UpdateLeadLabel");
        api.MapDelete("/v1/leadLabels/{id}", DeleteLabelAsync).WithName("DeleteLeadLabel");
        return api;
    }

    private static readonly Dictionary<string, LeadApiSort> SortFields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = LeadApiSort.Id,
        ["title"] = LeadApiSort.Title,
        ["owner_id"] = LeadApiSort.OwnerId,
        ["creator_id"] = LeadApiSort.CreatorId,
        ["was_seen"] = LeadApiSort.WasSeen,
        ["expected_close_date"] = LeadApiSort.ExpectedCloseDate,
        ["add_time"] = LeadApiSort.AddTime,
        ["update_time"] = LeadApiSort.UpdateTime,
    };

    private enum LeadApiSort
    {
        Id,
        Title,
        OwnerId,
        CreatorId,
        WasSeen,
        ExpectedCloseDate,
        AddTime,
        UpdateTime,
    }

    /// <summary>The sorts a cursor can continue: their keys are never null (docs/decisions/0022).</summary>
    private static readonly KeysetSorts<Lead, Guid> CursorSorts = new KeysetSorts<Lead, Guid>(l => l.Id)
        .With("add_time", l => l.CreatedAt)
        .With("update_time", l => l.UpdatedAt);

    public sealed record LeadListQuery(
        int? Start,
        int? Limit,
        string? Cursor,
        string? Sort,
        [property: FromQuery(Name = "owner_id")] int? OwnerId,
        [property: FromQuery(Name = "person_id")] int? PersonId,
        [property: FromQuery(Name = "organization_id")] int? OrganizationId,
        [property: FromQuery(Name = "source_name")] string? SourceName);

    private static async Task<IResult> ListAsync(LeadListQuery q, bool archived, CurrentUser currentUser, ReadContext reads, IOptions<SmartBccOptions> bcc, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (!Paging.TryCreate(q.Start, q.Limit, out var paging, out var pagingError))
        {
            return pagingError!;
        }

        LeadSource? source = null;
        if (!string.IsNullOrEmpty(q.SourceName) && (source = LeadSources.FromName(q.SourceName)) is null)
        {
            return ApiResults.BadRequest($"Unknown source_name. Use one of: {string.Join(", ", Enum.GetValues<LeadSource>().Select(s => s.Name()))}.");
        }

        var sortName = "add_time";
        var descending = true;
        if (!string.IsNullOrWhiteSpace(q.Sort))
        {
            var parts = q.Sort.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is < 1 or > 2 || !SortFields.ContainsKey(parts[0])
                || (parts.Length == 2 && !parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase) && !parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase)))
            {
                return ApiResults.BadRequest($"sort must be a field ({string.Join(", ", SortFields.Keys)}) optionally followed by ASC or DESC.");
            }

            sortName = parts[0].ToLowerInvariant();
            descending = parts.Length == 2 && parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase);
        }

        var filter = new LeadListFilter { Archived = archived, Source = source, OwnerId = q.OwnerId, PersonId = q.PersonId, OrganizationId = q.OrganizationId };
        var visible = filter.Apply(db.Leads.AsNoTracking(), await currentUser.RequireAccessAsync(ct));
        var keysetSort = CursorSorts.Offers(sortName)
            ? new CursorQuery(paging.Limit, q.Cursor, sortName, descending ? "desc" : "asc")
            : null;
        if (!string.IsNullOrEmpty(q.Cursor))
        {
            // A cursor carries its own position: an offset beside it would mean two different pages.
            if (q.Start is not null)
            {
                return ApiResults.BadRequest("Pass either start or cursor, not both.");
            }

            if (keysetSort is null)
            {
                return ApiResults.BadRequest("cursor pages the sorts add_time, update_time and id only.");
            }

            if (!CursorSorts.TryRead(keysetSort, out var keyset, out var cursorError))
            {
                return cursorError!;
            }

            var page = await keyset.ReadAsync(visible, ct);
            return page.Ok(await ToDtosAsync(db, page.Items, bcc.Value, ct));
        }

        var leads = await Sort(visible, SortFields[sortName], descending).Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        // The position after this page as a cursor too, so that a client can go on without an offset's cost.
        string? nextCursor = null;
        if (keysetSort is not null && leads.Count > paging.Limit && CursorSorts.TryRead(keysetSort, out var first, out _))
        {
            nextCursor = first.CursorAfter(leads[paging.Limit - 1]);
        }

        return paging.Page(await ToDtosAsync(db, leads, bcc.Value, ct), nextCursor);
    }

    private static IQueryable<Lead> Sort(IQueryable<Lead> leads, LeadApiSort sort, bool descending)
    {
        IOrderedQueryable<Lead> ordered = sort switch
        {
            LeadApiSort.Id => descending ? leads.OrderByDescending(l => l.Id) : leads.OrderBy(l => l.Id),
            LeadApiSort.Title => descending ? leads.OrderByDescending(l => l.Title) : leads.OrderBy(l => l.Title),
            LeadApiSort.OwnerId => descending ? leads.OrderByDescending(l => l.OwnerId) : leads.OrderBy(l => l.OwnerId),
            LeadApiSort.CreatorId => descending ? leads.OrderByDescending(l => l.CreatorId) : leads.OrderBy(l => l.CreatorId),
            LeadApiSort.WasSeen => descending ? leads.OrderByDescending(l => l.WasSeen) : leads.OrderBy(l => l.WasSeen),
            LeadApiSort.ExpectedCloseDate => descending ? leads.OrderByDescending(l => l.ExpectedCloseDate) : leads.OrderBy(l => l.ExpectedCloseDate),
            LeadApiSort.UpdateTime => descending ? leads.OrderByDescending(l => l.UpdatedAt) : leads.OrderBy(l => l.UpdatedAt),
            _ => descending ? leads.OrderByDescending(l => l.CreatedAt) : leads.OrderBy(l => l.CreatedAt),
        };
        return descending ? ordered.ThenByDescending(l => l.Id) : ordered.ThenBy(l => l.Id);
    }

    private static async Task<IResult> GetAsync(string id, CurrentUser currentUser, CrmDbContext db, IOptions<SmartBccOptions> bcc, CancellationToken ct)
    {
        var access = await currentUser.RequireAccessAsync(ct);
        var lead = Guid.TryParse(id, out var leadId) ? await db.Leads.AsNoTracking().VisibleTo(access).FirstOrDefaultAsync(l => l.Id == leadId, ct) : null;
        return lead is null ? ApiResults.NotFound("Lead") : ApiResults.Ok((await ToDtosAsync(db, [lead], bcc.Value, ct))[0]);
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, CurrentUser currentUser, CrmDbContext db, LeadCommands commands, IOptions<SmartBccOptions> bcc, CancellationToken ct)
    {
        var (changes, error) = await ReadChangesAsync(request, db, ct);
        if (changes is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.CreateAsync(await currentUser.RequireAccessAsync(ct), LeadSource.Api, changes, ct);
        return await result.ToApiAsync(async lead => (object?)(await ToDtosAsync(db, [lead], bcc.Value, ct))[0], StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpRequest request, CurrentUser currentUser, CrmDbContext db, LeadCommands commands, IOptions<SmartBccOptions> bcc, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var leadId))
        {
            return ApiResults.NotFound("Lead");
        }

        var (changes, error) = await ReadChangesAsync(request, db, ct);
        if (changes is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.UpdateAsync(await currentUser.RequireAccessAsync(ct), leadId, changes, ct);
        return await result.ToApiAsync(async lead => (object?)(await ToDtosAsync(db, [lead], bcc.Value, ct))[0]);
    }

    private static async Task<IResult> DeleteAsync(string id, CurrentUser currentUser, LeadCommands commands, CancellationToken ct) =>
        Guid.TryParse(id, out var leadId)
            ? (await commands.DeleteAsync(await currentUser.RequireAccessAsync(ct), leadId, ct)).ToApi(lead => new { id = lead.Id })
            : ApiResults.NotFound("Lead");

    /// <summary>
    /// Pipedrive's lead JSON into typed changes: the shapes are checked here, the rules by <see cref="LeadCommands"/>.
    /// Fields Pipedrive does not know are ignored, as Pipedrive does; deal custom fields are top-level keys.
    /// </summary>
    private static async Task<(LeadChanges? Changes, string? Error)> ReadChangesAsync(HttpRequest request, CrmDbContext db, CancellationToken ct)
    {
        if (await ReadObjectAsync(request, ct) is not { } body)
        {
            return (null, "Send a JSON object.");
        }

        var fieldKeys = (await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).Select(f => f.Key).ToListAsync(ct)).ToHashSet();
        var changes = new LeadChanges();
        var custom = new Dictionary<string, string>();
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            var isNull = value.ValueKind == JsonValueKind.Null;
            switch (property.Name)
            {
                case "title":
                    if (value.ValueKind != JsonValueKind.String)
                    {
                        return (null, $"title must be a non-empty string of at most {LeadCommands.MaxTitleLength} characters.");
                    }

                    changes = changes with { Title = value.GetString() };
                    break;
                case "owner_id":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var ownerId))
                    {
                        return (null, "owner_id must be the id of an active user.");
                    }

                    changes = changes with { OwnerId = ownerId };
                    break;
                case "person_id":
                    if (!isNull && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _)))
                    {
                        return (null, "person_id must be the id of an existing person or null.");
                    }

                    changes = changes with { PersonId = isNull ? null : value.GetInt32(), ClearPerson = isNull };
                    break;
                case "organization_id":
                    if (!isNull && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _)))
                    {
                        return (null, "organization_id must be the id of an existing organization or null.");
                    }

                    changes = changes with { OrganizationId = isNull ? null : value.GetInt32(), ClearOrganization = isNull };
                    break;
                case "label_ids":
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String || !Guid.TryParse(v.GetString(), out _)))
                    {
                        return (null, "label_ids must be an array of label ids.");
                    }

                    changes = changes with { LabelIds = value.EnumerateArray().Select(v => Guid.Parse(v.GetString()!)).ToList() };
                    break;
                case "value":
                    if (isNull)
                    {
                        changes = changes with { ClearValue = true };
                    }
                    else if (value.ValueKind == JsonValueKind.Object
                        && value.TryGetProperty("amount", out var amount) && amount.ValueKind == JsonValueKind.Number && amount.TryGetDecimal(out var amountValue)
                        && value.TryGetProperty("currency", out var currency) && currency.ValueKind == JsonValueKind.String)
                    {
                        changes = changes with { ValueAmount = amountValue, ValueCurrency = currency.GetString() };
                    }
                    else
                    {
                        return (null, "value must be {\"amount\": number, \"currency\": \"EUR\"} or null.");
                    }

                    break;
                case "expected_close_date":
                    if (isNull)
                    {
                        changes = changes with { ClearExpectedCloseDate = true };
                    }
                    else if (value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        changes = changes with { ExpectedCloseDate = date };
                    }
                    else
                    {
                        return (null, "expected_close_date must be a date as YYYY-MM-DD or null.");
                    }

                    break;
                case "visible_to":
                    var visibleTo = value.ValueKind switch { JsonValueKind.Number => value.GetRawText(), JsonValueKind.String => value.GetString(), _ => null };
                    if (CrmApiSupport.ParseVisibleTo(int.TryParse(visibleTo, CultureInfo.InvariantCulture, out var v) ? v : null) is not { } visibility)
                    {
                        return (null, "visible_to must be \"1\" (owner) or \"3\" (entire company).");
                    }

                    changes = changes with { Visibility = visibility };
                    break;
                case "was_seen" or "is_archived":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        return (null, $"{property.Name} must be true or false.");
                    }

                    changes = property.Name == "was_seen" ? changes with { WasSeen = value.GetBoolean() } : changes with { IsArchived = value.GetBoolean() };
                    break;
                case var key when fieldKeys.Contains(key):
                    if (!CrmApiSupport.TryReadCustomFieldValue(key, value, out var text, out var customError))
                    {
                        return (null, customError);
                    }

                    custom[key] = text;
                    break;
            }
        }

        return (changes with { CustomFields = custom }, null);
    }

    internal static async Task<List<Dictionary<string, object?>>> ToDtosAsync(CrmDbContext db, List<Lead> leads, SmartBccOptions bcc, CancellationToken ct)
    {
        var nextActivities = await LeadListFilter.NextActivitiesAsync(db, leads.Select(l => l.Id).ToArray(), ct);
        var dealFields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal && f.Type != CustomFieldType.Formula)
            .OrderBy(f => f.OrderNr).Select(f => f.Key).ToListAsync(ct);
        return leads.Select(l =>
        {
            var dto = new Dictionary<string, object?>
            {
                ["id"] = l.Id,
                ["title"] = l.Title,
                ["owner_id"] = l.OwnerId,
                ["creator_id"] = l.CreatorId,
                ["label_ids"] = l.LabelIds,
                ["person_id"] = l.PersonId,
                ["organization_id"] = l.OrganizationId,
                ["value"] = l.ValueAmount is { } amount ? new { amount, currency = l.ValueCurrency } : null,
                ["expected_close_date"] = l.ExpectedCloseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["is_archived"] = l.IsArchived,
                ["was_seen"] = l.WasSeen,
                ["source_name"] = l.Source.Name(),
                ["origin"] = OriginName(l.Source),
                ["origin_id"] = l.OriginDealId?.ToString(CultureInfo.InvariantCulture),
                ["source_deal_id"] = l.OriginDealId,
                ["channel"] = null,
                ["channel_id"] = null,
                ["cc_email"] = bcc.LeadAddress(l.Id),
                ["visible_to"] = l.Visibility == Visibility.OwnerOnly ? "1" : "3",
                ["next_activity_id"] = nextActivities.TryGetValue(l.Id, out var next) ? next.Id : null,
                ["add_time"] = l.CreatedAt.UtcDateTime,
                ["update_time"] = l.UpdatedAt.UtcDateTime,
            };
            foreach (var key in dealFields)
            {
                dto.TryAdd(key, l.CustomFields.GetValueOrDefault(key));
            }

            return dto;
        }).ToList();
    }

    /// <summary>Pipedrive's <c>origin</c>: how the lead came in, in its API spelling.</summary>
    private static string OriginName(LeadSource source) => source switch
    {
        LeadSource.Api => "API",
        LeadSource.Messaging => "MessagingInbox",
        _ => source.ToString(),
    };

    private static async Task<IResult> ListLabelsAsync(CrmDbContext db, CancellationToken ct) =>
        ApiResults.Ok((await LeadLabel.AllByName(db).ToListAsync(ct)).Select(LabelDto));

    private static async Task<IResult> CreateLabelAsync(HttpRequest request, CurrentUser currentUser, CrmDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (!(await currentUser.RequireAccessAsync(ct)).IsGlobalAdmin)
        {
            return ApiResults.Forbidden("Only admins manage lead labels.");
        }

        var body = await ReadObjectAsync(request, ct);
        if (body is null)
        {
            return ApiResults.BadRequest("Send a JSON object.");
        }

        var name = body.Value.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var color = body.Value.TryGetProperty("color", out var c) && c.ValueKind == JsonValueKind.String ? LeadLabelColors.FromName(c.GetString()) : null;
        if (color is null)
        {
            return ApiResults.BadRequest($"color must be one of: {string.Join(", ", Enum.GetValues<LeadLabelColor>().Select(x => x.Name()))}.");
        }

        var (validName, error) = await LeadLabelRules.ValidateNameAsync(db, name, null, ct);
        if (error is not null)
        {
            return ApiResults.BadRequest(error);
        }

        var label = new LeadLabel { Name = validName!, Color = color.Value, CreatedAt = clock.GetUtcNow() };
        db.LeadLabels.Add(label);
        await db.SaveChangesAsync(ct);
        return ApiResults.Created(LabelDto(label));
    }

    private static async Task<IResult> UpdateLabelAsync(string id, HttpRequest request, CurrentUser currentUser, CrmDbContext db, CancellationToken ct)
    {
        if (!(await currentUser.RequireAccessAsync(ct)).IsGlobalAdmin)
        {
            return ApiResults.Forbidden("Only admins manage lead labels.");
        }

        var label = Guid.TryParse(id, out var labelId) ? await db.LeadLabels.FindAsync([labelId], ct) : null;
        if (label is null)
        {
            return ApiResults.NotFound("Lead label");
        }

        var body = await ReadObjectAsync(request, ct);
        if (body is null)
        {
            return ApiResults.BadRequest("Send a JSON object.");
        }

        if (body.Value.TryGetProperty("name", out var n))
        {
            var (validName, error) = await LeadLabelRules.ValidateNameAsync(db, n.ValueKind == JsonValueKind.String ? n.GetString() : null, labelId, ct);
            if (error is not null)
            {
                return ApiResults.BadRequest(error);
            }

            label.Name = validName!;
        }

        if (body.Value.TryGetProperty("color", out var c))
        {
            var color = c.ValueKind == JsonValueKind.String ? LeadLabelColors.FromName(c.GetString()) : null;
            if (color is null)
            {
                return ApiResults.BadRequest($"color must be one of: {string.Join(", ", Enum.GetValues<LeadLabelColor>().Select(x => x.Name()))}.");
            }

            label.Color = color.Value;
        }

        await db.SaveChangesAsync(ct);
        return ApiResults.Ok(LabelDto(label));
    }

    private static async Task<IResult> DeleteLabelAsync(string id, CurrentUser currentUser, CrmDbContext db, ReferenceDataCache cache, CancellationToken ct)
    {
        if (!(await currentUser.RequireAccessAsync(ct)).IsGlobalAdmin)
        {
            return ApiResults.Forbidden("Only admins manage lead labels.");
        }

        return Guid.TryParse(id, out var labelId) && await LeadLabelRules.DeleteAsync(db, cache, labelId, ct)
            ? ApiResults.Ok(new { id = labelId })
            : ApiResults.NotFound("Lead label");
    }

    private static object LabelDto(LeadLabel label) => new
    {
        id = label.Id,
        name = label.Name,
        color = label.Color.Name(),
        add_time = label.CreatedAt.UtcDateTime,
        update_time = label.CreatedAt.UtcDateTime,
    };

    private static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
