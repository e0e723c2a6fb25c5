using Ganss.Xss;

namespace DealToLead.Core.Common;

/// <summary>Sanitizes rich text (notes, email HTML) on the way in and again on the way out.</summary>
public static class HtmlCleaner
{
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string Clean(string? html) => string.IsNullOrEmpty(html) ? string.Empty : Sanitizer.Sanitize(html);

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("mailto");
        // Remote images in emails are tracking pixels; the reader never loads them.
        sanitizer.AllowedTags.Remove("img");
        return sanitizer;
    }
}
