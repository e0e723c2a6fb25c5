using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public sealed record DealDto(
    int Id, string Title, decimal Value, string Currency, string Status, string? LostReason, int? Probability, DateOnly? ExpectedCloseDate,
    int OwnerId, int? PersonId, int? OrgId, int PipelineId, int StageId, int VisibleTo, List<int> LabelIds, Guid? SourceLeadId,
    DateTimeOffset AddTime, DateTimeOffset UpdateTime, DateTimeOffset? WonTime, DateTimeOffset? LostTime,
    bool IsDeleted, DateTimeOffset? DeleteTime, Dictionary<string, object?> CustomFields)
{
    public static DealDto From(Deal d, DealApiShape shape)
    {
        var custom = new Dictionary<string, object?>();
        foreach (var field in shape.Fields)
        {
            custom[field.Key] = field.IsFormula
                ? FormulaEvaluator.Evaluate(field.FormulaExpression ?? string.Empty, d, shape.Fields)
                : d.CustomFields.GetValueOrDefault(field.Key);
        }

        return new DealDto(d.Id, d.Title, d.ValueAmount, d.ValueCurrency, d.IsDeleted ? "deleted" : d.Status.ToString().ToLowerInvariant(), d.LostReason,
            d.Probability, d.ExpectedCloseDate, d.OwnerId, d.PersonId, d.OrganizationId, d.PipelineId, d.StageId, CrmApiSupport.VisibleTo(d.Visibility),
            d.Labels.Select(name => shape.LabelIds.GetValueOrDefault(name)).Where(id => id != 0).ToList(), d.SourceLeadId,
            d.CreatedAt, d.UpdatedAt, d.WonAt, d.LostAt, d.IsDeleted, d.DeletedAt, custom);
    }
}

/// <summary>What turning deals into Pipedrive's shape needs besides the deals: the custom fields in order and the label numbers.</summary>
public sealed record DealApiShape(IReadOnlyList<CustomFieldDefinition> Fields, IReadOnlyDictionary<string, int> LabelIds)
{
    public static async Task<DealApiShape> LoadAsync(CrmDbContext db, CancellationToken ct)
    {
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync(ct);
        var labels = await DealLabel.AllById(db).ToDictionaryAsync(l => l.Name, l => l.Id, ct);
        return new DealApiShape(fields, labels);
    }
}

public sealed record DealRequest(
    string? Title, decimal? Value, string? Currency, string? Status, string? LostReason, int? Probability, DateOnly? ExpectedCloseDate,
    int? OwnerId, int? PersonId, int? OrgId, int? PipelineId, int? StageId, int? VisibleTo, List<int>? LabelIds,
    Dictionary<string, JsonElement>? CustomFields);

public sealed record MailMessageDto(int Id, int? DealId, string From, List<string> To, List<string> Cc, string Subject, DateTimeOffset SentAt, string? MessageId, string LinkedVia, bool HasHtmlBody);

/// <summary>One entry of Pipedrive's <c>GET /v1/deals/{id}/mailMessages</c>: the message wrapped with its kind and time.</summary>
public sealed record PipedriveMailMessage(string Object, string Timestamp, PipedriveMailMessage.Message Data)
{
    public static PipedriveMailMessage From(EmailMessage e, int userId, bool withBody)
    {
        var time = e.SentAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var body = e.TextBody ?? string.Empty;
        return new PipedriveMailMessage("mailMessage", time, new Message(
            e.Id, [new Party(e.From)], e.To.Select(a => new Party(a)).ToList(), e.Cc.Select(a => new Party(a)).ToList(), [],
            e.Subject, body.Length > 200 ? body[..200] : body, withBody ? e.HtmlBody ?? e.TextBody : null, userId,
            e.LinkedVia == EmailLinkKind.Bcc ? 1 : 0, e.LinkedVia == EmailLinkKind.Sync ? 1 : 0,
            string.IsNullOrEmpty(e.HtmlBody) && string.IsNullOrEmpty(e.TextBody) ? 0 : 1, time, e.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            e.MessageId, "email", e.DealId, e.LeadId));
    }

    /// <summary>A sender or recipient as stored ("Ann Buyer &lt;ann@example.com&gt;") split into Pipedrive's address and name.</summary>
    [OmitNulls]
    public sealed record Party(string EmailAddress, string? Name)
    {
        public Party(string stored)
            : this(MimeKit.MailboxAddress.TryParse(stored, out var mailbox) ? mailbox.Address : stored,
                MimeKit.MailboxAddress.TryParse(stored, out var named) && !string.IsNullOrEmpty(named.Name) ? named.Name : null)
        {
        }
    }

    /// <summary>Pipedrive's flags are 0 or 1; <c>deal_id</c> and <c>lead_id</c> are extras.</summary>
    [OmitNulls]
    public sealed record Message(int Id, List<Party> From, List<Party> To, List<Party> Cc, List<Party> Bcc, string Subject, string Snippet, string? Body,
        int UserId, int SmartBccFlag, int SyncedFlag, int HasBodyFlag, string MessageTime, string AddTime, string? MuaMessageId, string ItemType, int? DealId, Guid? LeadId)
    {
        public int SentFlag => 1;
        public int ReadFlag => 1;
        public int DraftFlag => 0;
        public int DeletedFlag => 0;
        public int HasAttachmentsFlag => 0;
    }
}

public static class DealsApi
{
    public static RouteGroupBuilder MapDealsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v2/deals", ListDeals).WithSummary("Deals, filtered and paged; status=deleted lists deleted deals.");
        api.MapGet("/v2/deals/{id:int}", GetDeal);
        api.MapGet("/v1/deals/{id:int}", GetDeal).WithSummary("The deal with its Smart Bcc address (cc_email).");
        api.MapGet("/v1/leads/{id:guid}/mailMessages", ListLeadMailMessages).WithSummary("The lead's emails, newest first, in Pipedrive's mail message shape.");
        api.MapPost("/v2/deals", CreateDeal);
        api.MapPatch("/v2/deals/{id:int}", UpdateDeal);
        api.MapDelete("/v2/deals/{id:int}", DeleteDeal).WithSummary("Soft delete: restorable for 30 days.");
        api.MapPost("/v2/deals/{id:int}/restore", RestoreDeal);
        api.MapGet("/v1/deals/{id:int}/mailMessages", ListMailMessages).WithSummary("The deal's emails, newest first, in Pipedrive's mail message shape.");
        api.MapPost("/v1/deals/{id:int}/mailMessages", AddMailMessage).WithSummary("Attach a raw RFC 822 (.eml) message sent as the request body.");
        return api;
    }

    private static readonly KeysetSorts<Deal, int> DealSorts = new KeysetSorts<Deal, int>(d => d.Id)
        .With("update_time", d => d.UpdatedAt)
        .With("add_time", d => d.CreatedAt);

    /// <summary>The query parameters of Pipedrive's v2 getDeals that DealToLead reads.</summary>
    public sealed record DealListQuery(
        [property: FromQuery(Name = "filter_id")] int? FilterId,
        string? Ids,
        [property: FromQuery(Name = "owner_id")] int? OwnerId,
        [property: FromQuery(Name = "person_id")] int? PersonId,
        [property: FromQuery(Name = "org_id")] int? OrgId,
        [property: FromQuery(Name = "pipeline_id")] int? PipelineId,
        [property: FromQuery(Name = "stage_id")] int? StageId,
        string? Status,
        [property: FromQuery(Name = "updated_since")] string? UpdatedSince,
        [property: FromQuery(Name = "updated_until")] string? UpdatedUntil,
        [property: FromQuery(Name = "custom_fields")] string? CustomFields);

    private static async Task<IResult> ListDeals(ReadContext reads, CurrentUser currentUser, [AsParameters] DealListQuery q, [AsParameters] CursorQuery page, CancellationToken ct)
    {
        // A list may come from the replica (docs/decisions/0020).
        var db = await reads.ContextAsync(ct);
        if (ListParameters.RefuseFilterId(q.FilterId) is { } refused)
        {
            return refused;
        }

        if (!DealSorts.TryRead(page, out var paging, out var error)
            || !ListParameters.TryReadIds(q.Ids, out var ids, out error)
            || !ListParameters.TryReadTime("updated_since", q.UpdatedSince, out var updatedSince, out error)
            || !ListParameters.TryReadTime("updated_until", q.UpdatedUntil, out var updatedUntil, out error)
            || !TryReadStatuses(q.Status, out var statuses, out error)
            || !ListParameters.TryReadCustomFieldKeys(q.CustomFields, out var customKeys, out error))
        {
            return error!;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        // Pipedrive: without a status, every deal that is not deleted; "deleted" adds those deleted in the last 30 days.
        var filter = new DealListFilter { Status = DealListStatus.AllNotDeleted, OwnerId = q.OwnerId, PipelineId = q.PipelineId, StageId = q.StageId };
        var query = filter.Apply(statuses.Deleted ? db.Deals.IgnoreQueryFilters().AsNoTracking() : db.Deals.AsNoTracking(), access);
        if (statuses.Open || statuses.Won || statuses.Lost)
        {
            var (open, won, lost, deleted) = statuses;
            query = query.Where(d => (deleted && d.DeletedAt != null)
                || (d.DeletedAt == null && ((open && d.Status == DealStatus.Open) || (won && d.Status == DealStatus.Won) || (lost && d.Status == DealStatus.Lost))));
        }
        else if (statuses.Deleted)
        {
            query = query.Where(d => d.DeletedAt != null);
        }

        query = ids is null ? query : query.Where(d => ids.Contains(d.Id));
        query = q.PersonId is { } personId ? query.Where(d => d.PersonId == personId) : query;
        query = q.OrgId is { } orgId ? query.Where(d => d.OrganizationId == orgId) : query;
        query = updatedSince is { } since ? query.Where(d => d.UpdatedAt >= since) : query;
        query = updatedUntil is { } until ? query.Where(d => d.UpdatedAt < until) : query;

        var deals = await paging.ReadAsync(query, ct);
        var shape = await DealApiShape.LoadAsync(db, ct);
        return deals.Ok(deals.Items.Select(d => DealDto.From(d, shape)).Select(dto => dto with { CustomFields = dto.CustomFields.Only(customKeys) }));
    }

    private readonly record struct DealStatuses(bool Open, bool Won, bool Lost, bool Deleted);

    /// <summary>Pipedrive's <c>status</c>: one of open, won, lost, deleted, or several comma-separated.</summary>
    private static bool TryReadStatuses(string? text, out DealStatuses statuses, out IResult? error)
    {
        statuses = default;
        error = null;
        if (string.IsNullOrEmpty(text) || text == "all_not_deleted")
        {
            return true;
        }

        foreach (var status in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (status.ToLowerInvariant())
            {
                case "open": statuses = statuses with { Open = true }; break;
                case "won": statuses = statuses with { Won = true }; break;
                case "lost": statuses = statuses with { Lost = true }; break;
                case "deleted": statuses = statuses with { Deleted = true }; break;
                default:
                    error = ApiResults.BadRequest("status must be open, won, lost or deleted, or several of them comma-separated.");
                    return false;
            }
        }

        return true;
    }

    private static async Task<IResult> GetDeal(int id, CrmDbContext db, CurrentUser currentUser, Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        Microsoft.Extensions.Options.IOptions<Core.Leads.SmartBccOptions> bcc, CancellationToken ct)
    {
        var access = await currentUser.RequireAccessAsync(ct);
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (deal is null || !access.CanSee(deal))
        {
            return ApiResults.NotFound("Deal");
        }

        // cc_email is an extra field: Pipedrive's deal has it, our DealDto (shared with lists and webhooks) does not.
        var data = JsonSerializer.SerializeToNode(DealDto.From(deal, await DealApiShape.LoadAsync(db, ct)), json.Value.SerializerOptions)!.AsObject();
        data["cc_email"] = bcc.Value.DealAddress(deal.Id, await Core.Common.CompanySettings.MailSecretAsync(db, ct));
        return ApiResults.Ok(data);
    }

    private static async Task<IResult> CreateDeal(DealRequest? request, CrmDbContext db, CurrentUser currentUser, DealCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the deal as a JSON object.");
        }

        var (changes, error) = await ChangesAsync(request, db, ct);
        if (changes is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.CreateAsync(await currentUser.RequireAccessAsync(ct), changes, ct);
        return await result.ToApiAsync(async deal => (object?)DealDto.From(deal, await DealApiShape.LoadAsync(db, ct)), StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateDeal(int id, DealRequest? request, CrmDbContext db, CurrentUser currentUser, DealCommands commands, CancellationToken ct)
    {
        if (request is null)
        {
            return ApiResults.BadRequest("Send the changes as a JSON object.");
        }

        var (changes, error) = await ChangesAsync(request, db, ct);
        if (changes is null)
        {
            return ApiResults.BadRequest(error!);
        }

        var result = await commands.UpdateAsync(await currentUser.RequireAccessAsync(ct), id, changes, ct);
        return await result.ToApiAsync(async deal => (object?)DealDto.From(deal, await DealApiShape.LoadAsync(db, ct)));
    }

    private static async Task<IResult> DeleteDeal(int id, CurrentUser currentUser, DealCommands commands, CancellationToken ct)
    {
        var result = await commands.DeleteAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return result.ToApi(deal => new { deal.Id });
    }

    private static async Task<IResult> RestoreDeal(int id, CrmDbContext db, CurrentUser currentUser, DealCommands commands, CancellationToken ct)
    {
        var result = await commands.RestoreAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return await result.ToApiAsync(async deal => (object?)DealDto.From(deal, await DealApiShape.LoadAsync(db, ct)));
    }

    private static async Task<IResult> ListMailMessages(int id, CrmDbContext db, CurrentUser currentUser, int? start, int? limit,
        [FromQuery(Name = "include_body")] int? includeBody, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (deal is null || !access.CanSee(deal))
        {
            return ApiResults.NotFound("Deal");
        }

        var emails = await db.Emails.AsNoTracking().Where(e => e.DealId == id).OrderByDescending(e => e.SentAt).ThenByDescending(e => e.Id)
            .Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(emails.Select(e => PipedriveMailMessage.From(e, deal.OwnerId, withBody: includeBody == 1)).ToList());
    }

    private static async Task<IResult> ListLeadMailMessages(Guid id, CrmDbContext db, CurrentUser currentUser, int? start, int? limit,
        [FromQuery(Name = "include_body")] int? includeBody, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error))
        {
            return error!;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct);
        if (lead is null || !access.CanSee(lead))
        {
            return ApiResults.NotFound("Lead");
        }

        var emails = await db.Emails.AsNoTracking().Where(e => e.LeadId == id).OrderByDescending(e => e.SentAt).ThenByDescending(e => e.Id)
            .Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(emails.Select(e => PipedriveMailMessage.From(e, lead.OwnerId, withBody: includeBody == 1)).ToList());
    }

    private static async Task<IResult> AddMailMessage(int id, HttpRequest request, CurrentUser currentUser, EmailCommands commands, CancellationToken ct)
    {
        if (request.ContentLength > EmlImport.MaxBytes)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, EmlImport.TooLargeMessage);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            // Without a Content-Length the body is counted as it arrives.
            if (buffer.Length + read > EmlImport.MaxBytes)
            {
                return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, EmlImport.TooLargeMessage);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return ApiResults.BadRequest("Send the raw .eml message as the request body.");
        }

        buffer.Position = 0;
        var result = await commands.AttachEmlAsync(await currentUser.RequireAccessAsync(ct), ItemParent.Deal(id), buffer, ct);
        return result.ToApi(email => new MailMessageDto(email.Id, email.DealId, email.From, email.To, email.Cc, email.Subject, email.SentAt, email.MessageId,
            email.LinkedVia.ToString().ToLowerInvariant(), !string.IsNullOrEmpty(email.HtmlBody)), StatusCodes.Status201Created);
    }

    private static async Task<(DealChanges? Changes, string? Error)> ChangesAsync(DealRequest request, CrmDbContext db, CancellationToken ct)
    {
        if (!TryChanges(request, out var changes, out var error))
        {
            return (null, error);
        }

        if (request.LabelIds is not { } labelIds)
        {
            return (changes, null);
        }

        var distinct = labelIds.Distinct().ToList();
        var names = await db.DealLabels.AsNoTracking().Where(l => distinct.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name, ct);
        var unknown = distinct.Where(id => !names.ContainsKey(id)).ToList();
        return unknown.Count > 0
            ? (null, $"label_ids has no label numbered {string.Join(", ", unknown)}; the options of the deal field \"label\" list them.")
            : (changes with { Labels = distinct.Select(id => names[id]).ToList() }, null);
    }

    private static bool TryChanges(DealRequest r, out DealChanges changes, out string? error)
    {
        changes = new DealChanges();
        DealStatus? status = null;
        if (r.Status is not null)
        {
            if (!Enum.TryParse<DealStatus>(r.Status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(r.Status, out _))
            {
                error = "status must be open, won or lost.";
                return false;
            }

            status = parsed;
        }

        var visibility = CrmApiSupport.ParseVisibleTo(r.VisibleTo);
        if (r.VisibleTo is not null && visibility is null)
        {
            error = "visible_to must be 1 (owner only) or 3 (entire company).";
            return false;
        }

        if (!CrmApiSupport.TryReadCustomFields(r.CustomFields, out var custom, out error))
        {
            return false;
        }

        changes = new DealChanges
        {
            Title = r.Title,
            ValueAmount = r.Value,
            ValueCurrency = r.Currency,
            ExpectedCloseDate = r.ExpectedCloseDate,
            Probability = r.Probability,
            OwnerId = r.OwnerId,
            PersonId = r.PersonId,
            OrganizationId = r.OrgId,
            PipelineId = r.PipelineId,
            StageId = r.StageId,
            Visibility = visibility,
            Status = status,
            LostReason = r.LostReason,
            CustomFields = custom,
        };
        return true;
    }
}
