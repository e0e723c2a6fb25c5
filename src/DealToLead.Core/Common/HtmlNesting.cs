namespace DealToLead.Core.Common;

/// <summary>
/// A linear scan that estimates how deep an HTML parser would nest a document, so that hostile input (100,000
/// nested tags, which the parser takes tens of seconds over) is turned away before it is parsed. It errs on the deep
/// side: end tags that close nothing are ignored, and formatting elements closed implicitly still count, because
/// the parser reopens them.
/// </summary>
public static class HtmlNesting
{
    private static readonly HashSet<string> Void = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

    private static readonly HashSet<string> Formatting = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    };

    // Opening the key closes any of these at the top of the stack, as the parser does for lists, tables and paragraphs.
    private static readonly Dictionary<string, string[]> ClosedBy = new(StringComparer.OrdinalIgnoreCase)
    {
        ["p"] = ["p"],
        ["li"] = ["li"],
        ["dt"] = ["dt", "dd"],
        ["dd"] = ["dt", "dd"],
        ["td"] = ["td", "th"],
        ["th"] = ["td", "th"],
        ["tr"] = ["td", "th", "tr"],
        ["option"] = ["option"],
        ["optgroup"] = ["option", "optgroup"],
        ["tbody"] = ["td", "th", "tr", "tbody", "thead", "tfoot"],
        ["thead"] = ["td", "th", "tr", "tbody", "thead", "tfoot"],
        ["tfoot"] = ["td", "th", "tr", "tbody", "thead", "tfoot"],
    };

    public static bool Exceeds(string html, int maxDepth)
    {
        var stack = new List<string>();
        var open = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var danglingFormatting = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var dangling = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i < html.Length - 1)
        {
            var next = html[i + 1];
            if (next == '!' && string.CompareOrdinal(html, i, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            var closing = next == '/';
            var nameStart = closing ? i + 2 : i + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && char.IsAsciiLetterOrDigit(html[nameEnd]))
            {
                nameEnd++;
            }

            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                i = nameStart;
                continue;
            }

            var name = html[nameStart..nameEnd];
            var tagEnd = html.IndexOf('>', nameEnd);
            i = tagEnd < 0 ? html.Length : tagEnd + 1;
            if (closing)
            {
                Close(name);
            }
            else if (!Void.Contains(name))
            {
                if (ClosedBy.TryGetValue(name, out var closes))
                {
                    while (stack.Count > 0 && closes.Contains(stack[^1], StringComparer.OrdinalIgnoreCase))
                    {
                        Pop();
                    }
                }

                stack.Add(name);
                open[name] = open.GetValueOrDefault(name) + 1;
                if (stack.Count + dangling > maxDepth)
                {
                    return true;
                }
            }
        }

        return false;

        void Close(string name)
        {
            if (open.GetValueOrDefault(name) == 0)
            {
                // An end tag for a formatting element that was closed implicitly takes it off the parser's list.
                if (danglingFormatting.GetValueOrDefault(name) > 0)
                {
                    danglingFormatting[name]--;
                    dangling--;
                }

                return;
            }

            while (stack.Count > 0)
            {
                var top = Pop();
                if (string.Equals(top, name, StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                if (Formatting.Contains(top))
                {
                    danglingFormatting[top] = danglingFormatting.GetValueOrDefault(top) + 1;
                    dangling++;
                }
            }
        }

        string Pop()
        {
            var top = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            open[top]--;
            return top;
        }
    }
}
