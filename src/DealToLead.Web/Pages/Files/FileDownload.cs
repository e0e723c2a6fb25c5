using DealToLead.Core.Files;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace DealToLead.Web.Pages.Files;

/// <summary>
/// A stored file sent as a download, for the pages and the API alike: always an attachment, never sniffed by the browser
/// and sandboxed if it is opened anyway, so an uploaded HTML or SVG file cannot run script under the app's origin.
/// </summary>
public sealed class FileDownload(AttachedFile file, FileCommands files) : IResult, IActionResult
{
    public static string ContentDisposition(string fileName)
    {
        var disposition = new ContentDispositionHeaderValue("attachment");
        // filename= carries an ASCII fallback, filename*= the name itself (RFC 5987/6266).
        disposition.SetHttpFileName(fileName);
        return disposition.ToString();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = file.ContentType;
        response.ContentLength = file.Size;
        response.Headers.ContentDisposition = ContentDisposition(file.FileName);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        response.Headers.CacheControl = "private, no-cache";
        await files.CopyContentAsync(file, response.Body, httpContext.RequestAborted);
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);
}

/// <summary>What the file list on a deal or a lead shows, and where its forms post.</summary>
public sealed record FileListView(IReadOnlyList<AttachedFile> Files, bool CanEdit, string PostPage, string RouteId, string? ReturnUrl, string IdPrefix);
