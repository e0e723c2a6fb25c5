using System.Globalization;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Files;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Files;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

/// <summary>
/// One entry of Pipedrive's v1 files. <c>file_type</c> is Pipedrive's short kind; <c>content_type</c> (the type read
/// from the bytes) is DealToLead's own.
/// </summary>
[OmitNulls]
public sealed record FileDto(int Id, int UserId, int? DealId, string? LeadId, string AddTime, string UpdateTime, string FileName, long FileSize,
    bool ActiveFlag, bool InlineFlag, string? DealName, string? LeadName, string Url, string Name, string? Description, string FileType, string ContentType)
{
    public static FileDto From(AttachedFile f, string? dealName, string? leadName) => new(
        f.Id, f.UploadedById, f.DealId, f.LeadId?.ToString(), PipedriveTime(f.CreatedAt), PipedriveTime(f.UpdatedAt), f.FileName, f.Size,
        true, false, dealName, leadName, $"/api/v1/files/{f.Id}/download", f.FileName, f.Description, KindOf(f.ContentType), f.ContentType);

    private static string PipedriveTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string KindOf(string contentType) => contentType switch
    {
        FileContentTypes.Pdf => "pdf",
        FileContentTypes.Png or FileContentTypes.Jpeg or FileContentTypes.Gif => "img",
        FileContentTypes.Docx => "doc",
        FileContentTypes.Xlsx => "xls",
        FileContentTypes.Pptx => "ppt",
        FileContentTypes.Zip => "zip",
        FileContentTypes.Text => "txt",
        _ => "other",
    };
}

/// <summary>Pipedrive's v1 files: HTTP in, <see cref="FileCommands"/>, HTTP out.</summary>
public static class FilesApi
{
    /// <summary>Room for the multipart boundaries and the other form fields around the file itself.</summary>
    private const long FormOverheadBytes = 64 * 1024;

    private static readonly string[] OtherItemFields = ["person_id", "org_id", "product_id", "activity_id", "project_id"];

    public static RouteGroupBuilder MapFilesApi(this RouteGroupBuilder api)
    {
        api.MapPost("/v1/files", AddFile).WithSummary("Upload one file (multipart/form-data: file, and deal_id or lead_id).");
        api.MapGet("/v1/files", ListFiles).WithSummary("The files of the deals and leads you may see, live deals only.");
        api.MapGet("/v1/files/{id:int}", GetFile);
        api.MapGet("/v1/files/{id:int}/download", DownloadFile).WithSummary("The file's bytes, as an attachment.");
        api.MapPut("/v1/files/{id:int}", UpdateFile).WithSummary("Rename a file or change its description (form fields or JSON: name, description).");
        api.MapDelete("/v1/files/{id:int}", DeleteFile);
        api.MapGet("/v1/deals/{id:int}/files", ListDealFiles).WithSummary("The deal's files, deleted deals included.");
        api.MapGet("/v1/leads/{id}/files", ListLeadFiles).WithSummary("The lead's files.");
        return api;
    }

    private static async Task<IResult> AddFile(HttpRequest request, CurrentUser currentUser, FileCommands commands, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return ApiResults.BadRequest("Send the file as multipart/form-data: a file field, and deal_id or lead_id.");
        }

        var limit = commands.MaxBytes + FormOverheadBytes;
        if (request.ContentLength > limit)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, commands.TooLargeMessage);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            // Without a Content-Length the body is counted as it arrives, against this limit rather than the server's.
            bodySize.MaxRequestBodySize = limit;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, commands.TooLargeMessage);
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ApiResults.BadRequest("The multipart/form-data body could not be read.");
        }

        if (OtherItemFields.FirstOrDefault(form.ContainsKey) is { } other)
        {
            return ApiResults.BadRequest($"Files attach to deals and leads only; {other} is not supported.");
        }

        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return ApiResults.BadRequest("The file field is missing: send the file as the multipart field \"file\".");
        }

        int? dealId = null;
        Guid? leadId = null;
        if (form.TryGetValue("deal_id", out var dealText) && !string.IsNullOrEmpty(dealText))
        {
            if (!int.TryParse(dealText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiResults.BadRequest("deal_id must be a deal's id.");
            }

            dealId = parsed;
        }

        if (form.TryGetValue("lead_id", out var leadText) && !string.IsNullOrEmpty(leadText))
        {
            if (!Guid.TryParse(leadText, out var parsed))
            {
                return ApiResults.BadRequest("lead_id must be a lead's id (a UUID).");
            }

            leadId = parsed;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        await using var content = file.OpenReadStream();
        var result = await commands.AttachAsync(access, new ItemParent(dealId, leadId), file.FileName, content, ct);
        return await result.ToApiAsync(async f => (object?)(await ToDtosAsync(request.HttpContext.RequestServices.GetRequiredService<CrmDbContext>(), [f], ct))[0],
            StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListFiles(CrmDbContext db, CurrentUser currentUser, int? start, int? limit, string? sort, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error) || !TrySort(sort, out var order, out error))
        {
            return error!;
        }

        var query = db.Files.AsNoTracking().VisibleTo(db, await currentUser.RequireAccessAsync(ct))
            // As with notes, a deleted deal's files are listed only when asked for by deal or by id.
            .Where(f => f.DealId == null || db.Deals.IgnoreQueryFilters().Any(deal => deal.Id == f.DealId && deal.DeletedAt == null));
        return await PageAsync(db, order(query), paging, ct);
    }

    private static async Task<IResult> ListDealFiles(int id, CrmDbContext db, CurrentUser currentUser, int? start, int? limit, string? sort, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error) || !TrySort(sort, out var order, out error))
        {
            return error!;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (deal is null || !access.CanSee(deal))
        {
            return ApiResults.NotFound("Deal");
        }

        return await PageAsync(db, order(db.Files.AsNoTracking().Where(f => f.DealId == id)), paging, ct);
    }

    private static async Task<IResult> ListLeadFiles(string id, CrmDbContext db, CurrentUser currentUser, int? start, int? limit, string? sort, CancellationToken ct)
    {
        if (!Paging.TryCreate(start, limit, out var paging, out var error) || !TrySort(sort, out var order, out error))
        {
            return error!;
        }

        var access = await currentUser.RequireAccessAsync(ct);
        var lead = Guid.TryParse(id, out var leadId) ? await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, ct) : null;
        if (lead is null || !access.CanSee(lead))
        {
            return ApiResults.NotFound("Lead");
        }

        return await PageAsync(db, order(db.Files.AsNoTracking().Where(f => f.LeadId == leadId)), paging, ct);
    }

    private static async Task<IResult> GetFile(int id, CrmDbContext db, CurrentUser currentUser, FileCommands commands, CancellationToken ct)
    {
        var file = await commands.FindVisibleAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return file is null ? ApiResults.NotFound("File") : ApiResults.Ok((await ToDtosAsync(db, [file], ct))[0]);
    }

    private static async Task<IResult> DownloadFile(int id, CurrentUser currentUser, FileCommands commands, CancellationToken ct)
    {
        var file = await commands.FindVisibleAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return file is null ? ApiResults.NotFound("File") : new FileDownload(file, commands);
    }

    private static async Task<IResult> UpdateFile(int id, HttpRequest request, CrmDbContext db, CurrentUser currentUser, FileCommands commands, CancellationToken ct)
    {
        string? name = null, description = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            name = form.TryGetValue("name", out var n) ? n.ToString() : null;
            description = form.TryGetValue("description", out var d) ? d.ToString() : null;
        }
        else if (request.HasJsonContentType())
        {
            try
            {
                var body = await request.ReadFromJsonAsync<FileUpdateRequest>(ct);
                (name, description) = (body?.Name, body?.Description);
            }
            catch (JsonException exception)
            {
                return ApiResults.InvalidJson(exception);
            }
        }

        var result = await commands.UpdateAsync(await currentUser.RequireAccessAsync(ct), id, new FileChanges { Name = name, Description = description }, ct);
        return await result.ToApiAsync(async f => (object?)(await ToDtosAsync(db, [f], ct))[0]);
    }

    private static async Task<IResult> DeleteFile(int id, CurrentUser currentUser, FileCommands commands, CancellationToken ct) =>
        (await commands.DeleteAsync(await currentUser.RequireAccessAsync(ct), id, ct)).ToApi(f => new { f.Id });

    public sealed record FileUpdateRequest(string? Name, string? Description);

    private static async Task<IResult> PageAsync(CrmDbContext db, IQueryable<AttachedFile> query, Paging paging, CancellationToken ct)
    {
        var rows = await query.Skip(paging.Start).Take(paging.Limit + 1).ToListAsync(ct);
        return paging.Page(await ToDtosAsync(db, rows, ct));
    }

    /// <summary>Pipedrive's <c>sort</c>: <c>id</c> or <c>update_time</c>, optionally followed by ASC or DESC.</summary>
    private static bool TrySort(string? sort, out Func<IQueryable<AttachedFile>, IQueryable<AttachedFile>> order, out IResult? error)
    {
        error = null;
        var parts = (sort ?? "id").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var descending = parts.Length > 1 && parts[1].Equals("DESC", StringComparison.OrdinalIgnoreCase);
        var valid = parts.Length is 1 or 2 && (parts.Length == 1 || parts[1].Equals("ASC", StringComparison.OrdinalIgnoreCase) || descending);
        order = (valid ? parts[0] : null) switch
        {
            "id" => q => descending ? q.OrderByDescending(f => f.Id) : q.OrderBy(f => f.Id),
            "update_time" => q => descending ? q.OrderByDescending(f => f.UpdatedAt).ThenByDescending(f => f.Id) : q.OrderBy(f => f.UpdatedAt).ThenBy(f => f.Id),
            _ => q => q,
        };
        if (!valid || parts[0] is not ("id" or "update_time"))
        {
            error = ApiResults.BadRequest("sort must be id or update_time, optionally followed by ASC or DESC.");
            return false;
        }

        return true;
    }

    private static async Task<List<FileDto>> ToDtosAsync(CrmDbContext db, IReadOnlyList<AttachedFile> files, CancellationToken ct)
    {
        var dealIds = files.Where(f => f.DealId is not null).Select(f => f.DealId!.Value).Distinct().ToList();
        var leadIds = files.Where(f => f.LeadId is not null).Select(f => f.LeadId!.Value).Distinct().ToList();
        var dealNames = dealIds.Count == 0 ? [] : await db.Deals.IgnoreQueryFilters().Where(d => dealIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Title, ct);
        var leadNames = leadIds.Count == 0 ? [] : await db.Leads.Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Title, ct);
        return files.Select(f => FileDto.From(f,
            f.DealId is { } dealId ? dealNames.GetValueOrDefault(dealId) : null,
            f.LeadId is { } leadId ? leadNames.GetValueOrDefault(leadId) : null)).ToList();
    }
}
