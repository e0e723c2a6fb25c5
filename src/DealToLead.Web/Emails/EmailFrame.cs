using System.Net;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Emails;

/// <summary>
/// Email HTML is shown the way mail clients show it: in a sandboxed frame (no scripts, forms, top navigation or
/// same-origin access) whose own Content-Security-Policy loads nothing but data: images. By default the frame is a
/// <c>srcdoc</c> inside the page; "Show remote images" navigates that one frame to <see cref="Path"/>, which serves
/// the same document with remote images allowed.
/// </summary>
public static class EmailFrame
{
    public const string Sandbox = "allow-popups allow-popups-to-escape-sandbox";

    public static string Path(int emailId) => $"/emails/{emailId}/frame?remote-images=true";

    public static string Name(int emailId) => $"email-frame-{emailId}";

    public static string Policy(bool remoteImages) =>
        $"default-src 'none'; img-src data: cid:{(remoteImages ? " https: http:" : "")}; style-src-attr 'unsafe-inline'; form-action 'none'; base-uri 'none'";

    /// <summary>The frame's document around HTML that was sanitized when it was stored.</summary>
    public static string Document(string storedHtml, bool remoteImages) =>
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        + $"<meta http-equiv=\"Content-Security-Policy\" content=\"{WebUtility.HtmlEncode(Policy(remoteImages))}\">"
        + "<base target=\"_blank\"><meta name=\"referrer\" content=\"no-referrer\"></head>"
        + "<body style=\"margin: 0.5rem; font-family: system-ui, sans-serif; overflow-wrap: anywhere\">"
        + storedHtml
        + "</body></html>";

    public static void MapEmailFrame(this IEndpointRouteBuilder app)
    {
        // An attachment is as visible as its email; always a download, never rendered by the browser.
        app.MapGet("/emails/attachments/{id:int}", async (int id, HttpContext context, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        {
            var access = await currentUser.RequireAccessAsync(ct);
            var visible = db.Emails.VisibleTo(db, access).Select(e => e.Id);
            var attachment = await db.EmailAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && visible.Contains(a.EmailId), ct);
            if (attachment is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(attachment.Content, "application/octet-stream", attachment.FileName);
        }).RequireAuthorization().ExcludeFromDescription();
        MapFrame(app);
    }

    private static void MapFrame(IEndpointRouteBuilder app) =>
        app.MapGet("/emails/{id:int}/frame", async (int id, HttpContext context, CrmDbContext db, CurrentUser currentUser, CancellationToken ct) =>
        {
            var access = await currentUser.RequireAccessAsync(ct);
            var email = await db.Emails.AsNoTracking().VisibleTo(db, access).FirstOrDefaultAsync(e => e.Id == id, ct);
            if (email is null || string.IsNullOrEmpty(email.HtmlBody))
            {
                return Results.NotFound();
            }

            var remoteImages = context.Request.Query["remote-images"] == "true";
            // Framed only by the app's own pages, and sandboxed even when opened on its own.
            context.Response.Headers.ContentSecurityPolicy = $"{Policy(remoteImages)}; frame-ancestors 'self'; sandbox {Sandbox}";
            return Results.Content(Document(email.HtmlBody, remoteImages), "text/html; charset=utf-8");
        }).RequireAuthorization().ExcludeFromDescription();
}
