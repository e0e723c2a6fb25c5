namespace DealToLead.Web.Pages.Conversions;

/// <summary>
/// The deal list's "Bulk conversion finished" banner disappears once its summary was seen or the banner was dismissed.
/// A cookie remembers that (the latest job only): it is a display preference, not data worth a column.
/// </summary>
public static class BulkJobBanner
{
    private const string CookieName = "bulk-job-seen";

    public static bool IsDismissed(HttpRequest request, Guid jobId) =>
        request.Cookies.TryGetValue(CookieName, out var seen) && seen == jobId.ToString("N");

    public static void Dismiss(HttpResponse response, Guid jobId) =>
        response.Cookies.Append(CookieName, jobId.ToString("N"), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = response.HttpContext.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(1),
            IsEssential = true,
        });
}
