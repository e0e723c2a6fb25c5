using System.Globalization;
using System.Text;

namespace DealToLead.Core.Files;

/// <summary>
/// A client's file name made safe to store and to send back in a header: no path, no control or bidirectional
/// formatting characters (a name can otherwise hide its real extension), none of the characters Windows refuses.
/// </summary>
public static class FileNames
{
    public const string Fallback = "file";

    private const string Refused = "<>:\"/\\|?*";

    public static string Sanitize(string? name)
    {
        var withoutPath = (name ?? string.Empty).Split('/', '\\')[^1];
        var kept = new StringBuilder(withoutPath.Length);
        foreach (var c in withoutPath.Normalize(NormalizationForm.FormC))
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || Refused.Contains(c))
            {
                continue;
            }

            kept.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }

        var cleaned = string.Join(' ', kept.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim('.', ' ');
        if (cleaned.Length == 0)
        {
            return Fallback;
        }

        if (cleaned.Length <= AttachedFile.MaxNameLength)
        {
            return cleaned;
        }

        var extension = Path.GetExtension(cleaned);
        extension = extension.Length is > 1 and <= 16 ? extension : string.Empty;
        var stem = cleaned[..(AttachedFile.MaxNameLength - extension.Length)];
        // Never cut a surrogate pair in half.
        stem = char.IsHighSurrogate(stem[^1]) ? stem[..^1] : stem;
        return stem.TrimEnd('.', ' ') + extension;
    }
}
