using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using AngleSharp.Dom;
using Ganss.Xss;

namespace DealToLead.Core.Common;

/// <summary>
/// Sanitizes rich text (notes, email HTML) once, on the way into the database; views show what is stored.
/// A strict allow-list: text formatting, tables and links only. Nothing that loads on its own (no images, CSS
/// <c>url()</c>, media), nothing that posts (no forms or inputs), nothing that leaves its box (no positioning,
/// transforms or stacking), no classes or ids that could borrow the app's own styles and scripts.
/// </summary>
public static class HtmlCleaner
{
    /// <summary>Deeper than any real email or note; deeper still costs the HTML parser quadratic time.</summary>
    public const int MaxDepth = 200;

    /// <summary>A note is at most this long (the database column's limit).</summary>
    public const int MaxNoteLength = 100_000;

    /// <summary>
    /// Email HTML beyond this is kept as text only: styled HTML costs the sanitizer about 4 ms per 1,000 characters,
    /// so this is about a second; Gmail clips messages at 102 KB, so real mail stays well below it.
    /// </summary>
    public const int MaxEmailHtmlLength = 250_000;

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer(images: false);

    // Emails keep their images: the sandboxed frame they are shown in loads only data: images unless the reader asks.
    private static readonly HtmlSanitizer EmailSanitizer = CreateSanitizer(images: true);

    // Strings this class produced: saving them again does not sanitize them twice.
    private static readonly ConditionalWeakTable<string, object> Produced = [];
    private static readonly object Mark = new();

    /// <summary>The sanitized form of <paramref name="html"/>; HTML too deep or too long is reduced to escaped text.</summary>
    public static string Clean(string? html)
    {
        if (string.IsNullOrEmpty(html))
        {
            return string.Empty;
        }

        var clean = Refusal(html, MaxEmailHtmlLength) is null ? Sanitizer.Sanitize(html) : AsParagraph(ToText(html));
        Produced.AddOrUpdate(clean, Mark);
        return clean;
    }

    /// <summary>Why a note's HTML is refused (too deep or too long), or null; found by a scan that never parses.</summary>
    public static string? NoteRefusal(string? html) => string.IsNullOrEmpty(html) ? null : Refusal(html, MaxNoteLength);

    /// <summary>An email's HTML part to store, or null when it is too deep or too long to keep as HTML (the text part is shown).</summary>
    public static string? CleanEmailHtml(string? html)
    {
        if (string.IsNullOrEmpty(html) || Refusal(html, MaxEmailHtmlLength) is not null)
        {
            return null;
        }

        var clean = EmailSanitizer.Sanitize(html);
        Produced.AddOrUpdate(clean, Mark);
        return clean;
    }

    public static bool IsAlreadyClean(string? html) => string.IsNullOrEmpty(html) || Produced.TryGetValue(html, out _);

    private static string? Refusal(string html, int maxLength)
    {
        if (html.Length > maxLength)
        {
            return $"The text is longer than {maxLength:N0} characters.";
        }

        return HtmlNesting.Exceeds(html, MaxDepth)
            ? $"The HTML nests deeper than {MaxDepth} elements."
            : null;
    }

    /// <summary>The text of HTML without parsing it: tags dropped, entities decoded.</summary>
    public static string ToText(string html)
    {
        var text = new StringBuilder(Math.Min(html.Length, MaxNoteLength));
        var inTag = false;
        foreach (var c in html)
        {
            if (inTag)
            {
                inTag = c != '>';
            }
            else if (c == '<')
            {
                inTag = true;
            }
            else
            {
                text.Append(c);
            }
        }

        return WebUtility.HtmlDecode(text.ToString()).Trim();
    }

    private static string AsParagraph(string text) => text.Length == 0 ? string.Empty : $"<p>{WebUtility.HtmlEncode(text)}</p>";

    private static HtmlSanitizer CreateSanitizer(bool images)
    {
        var sanitizer = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
                "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font",
                "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre",
                "q", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
                "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "href", "title", "lang", "dir", "align", "valign", "colspan", "rowspan", "width", "height", "border",
                "cellpadding", "cellspacing", "bgcolor", "color", "face", "size", "start", "reversed", "datetime", "abbr",
                "scope", "headers", "span", "style",
            },
            // Only properties that take no url() and cannot lift an element out of its place.
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "background-color", "border", "border-bottom", "border-bottom-color", "border-bottom-style", "border-bottom-width",
                "border-collapse", "border-color", "border-left", "border-left-color", "border-left-style", "border-left-width",
                "border-radius", "border-right", "border-right-color", "border-right-style", "border-right-width", "border-spacing",
                "border-style", "border-top", "border-top-color", "border-top-style", "border-top-width", "border-width", "caption-side",
                "color", "direction", "display", "font", "font-family", "font-size", "font-style", "font-variant", "font-weight",
                "height", "letter-spacing", "line-height", "list-style-position", "list-style-type", "margin", "margin-bottom",
                "margin-left", "margin-right", "margin-top", "max-height", "max-width", "min-height", "min-width", "padding",
                "padding-bottom", "padding-left", "padding-right", "padding-top", "table-layout", "text-align", "text-decoration",
                "text-indent", "text-transform", "vertical-align", "white-space", "width", "word-break", "word-spacing", "word-wrap",
            },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedAtRules = new HashSet<AngleSharp.Css.Dom.CssRuleType>(),
        });
        if (images)
        {
            sanitizer.AllowedTags.Add("img");
            sanitizer.AllowedAttributes.UnionWith(["src", "alt"]);
            sanitizer.AllowedSchemes.UnionWith(["data", "cid"]);
            sanitizer.FilterUrl += (_, e) =>
            {
                // data: and cid: are for inline images only, never for links.
                var scheme = e.OriginalUrl.TrimStart();
                if (!string.Equals(e.Tag.TagName, "img", StringComparison.OrdinalIgnoreCase)
                    && (scheme.StartsWith("data:", StringComparison.OrdinalIgnoreCase) || scheme.StartsWith("cid:", StringComparison.OrdinalIgnoreCase)))
                {
                    e.SanitizedUrl = null;
                }
            };
        }

        sanitizer.PostProcessNode += (_, e) =>
        {
            // Belt and braces for the style allow-list: no declaration may fetch anything.
            if (e.Node is IElement element && element.GetAttribute("style") is { } style
                && (style.Contains("url(", StringComparison.OrdinalIgnoreCase) || style.Contains("image", StringComparison.OrdinalIgnoreCase)))
            {
                element.RemoveAttribute("style");
            }
        };
        return sanitizer;
    }
}
