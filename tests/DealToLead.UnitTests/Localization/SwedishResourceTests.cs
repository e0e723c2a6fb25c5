using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DealToLead.UnitTests.Localization;

/// <summary>
/// Every UI string has a Swedish translation and every translation is used. Views and page models say
/// <c>T["English text"]</c> (the feature's resource, from the folder's _ViewImports) or <c>S["…"]</c> (SharedText);
/// the Swedish lives in <c>Pages/{Feature}/{Feature}Text.sv.resx</c>. A view's visible text outside a localizer fails too.
/// </summary>
public sealed partial class SwedishResourceTests
{
    private static readonly string Web = Path.Combine(RepositoryRoot(), "src", "DealToLead.Web");

    /// <summary>Feature folder → its resource; anything else (Pages/*.cshtml, Shared, Localization) uses SharedText.</summary>
    private static readonly Dictionary<string, string> Features = new(StringComparer.Ordinal)
    {
        ["Account"] = "AccountText",
        ["Pipeline"] = "PipelineText",
        ["Deals"] = "DealsText",
        ["Leads"] = "LeadsText",
        ["Contacts"] = "ContactsText",
        ["Conversions"] = "ConversionsText",
        ["Settings"] = "SettingsText",
        ["Emails"] = "EmailsText",
    };

    [Fact]
    public void Every_string_a_page_uses_has_a_Swedish_translation()
    {
        var missing = UsedKeys().SelectMany(feature => feature.Value.Where(key => !Swedish(feature.Key).ContainsKey(key)).Select(key => $"{feature.Key}: {key}")).ToList();
        string.Join(Environment.NewLine, missing).Should().BeEmpty("each string needs a <data> entry in its feature's .sv.resx");
    }

    [Fact]
    public void Every_Swedish_resource_is_used()
    {
        var used = UsedKeys();
        // The domain speaks English (refusals, validation); pages translate those messages through SharedText.
        var coreLiterals = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "DealToLead.Core"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => StringLiteral().Matches(File.ReadAllText(file)).Select(m => Unescape(m.Groups[1].Value)))
            .ToHashSet(StringComparer.Ordinal);
        var unused = used.Keys.SelectMany(feature => Swedish(feature).Keys
                .Where(key => !used[feature].Contains(key) && !(feature == "SharedText" && coreLiterals.Contains(key)))
                .Select(key => $"{feature}: {key}"))
            .ToList();
        string.Join(Environment.NewLine, unused).Should().BeEmpty("a translation nobody uses hides a string that changed in the code");
    }

    [Fact]
    public void The_confirmation_email_has_Swedish_for_every_sentence_and_no_unused_entries()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "DealToLead.Core", "Conversions");
        var used = EmailText().Matches(File.ReadAllText(Path.Combine(core, "BulkConversionEmail.cs"))).Select(m => Unescape(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);
        var swedish = XDocument.Load(Path.Combine(core, "BulkConversionEmail.sv.resx")).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);
        var coreLiterals = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "DealToLead.Core"), "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => StringLiteral().Matches(File.ReadAllText(file)).Select(m => Unescape(m.Groups[1].Value)))
            .ToHashSet(StringComparer.Ordinal);

        used.Where(key => !swedish.ContainsKey(key)).Should().BeEmpty("every sentence of the email needs Swedish");
        swedish.Keys.Where(key => !used.Contains(key) && !coreLiterals.Contains(key)).Should().BeEmpty("the other entries translate the domain's refusal reasons");
        swedish.Where(entry => Placeholders(entry.Key) != Placeholders(entry.Value)).Should().BeEmpty();
    }

    [Fact]
    public void No_two_Swedish_entries_differ_only_in_case()
    {
        // The resource compiler keeps the first of two such names and drops the other with only a warning.
        var clashes = Features.Values.Append("SharedText")
            .SelectMany(feature => Swedish(feature).Keys.GroupBy(key => key, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"{feature}: {string.Join(" / ", g)}"))
            .ToList();
        clashes.Should().BeEmpty();
    }

    [Fact]
    public void Swedish_translations_keep_their_placeholders()
    {
        var broken = Features.Values.Append("SharedText")
            .SelectMany(feature => Swedish(feature).Where(entry => Placeholders(entry.Key) != Placeholders(entry.Value)).Select(entry => $"{feature}: {entry.Key}"))
            .ToList();
        broken.Should().BeEmpty();
    }

    [Fact]
    public void No_view_shows_text_outside_a_localizer()
    {
        var offenders = new List<string>();
        foreach (var view in Directory.EnumerateFiles(Path.Combine(Web, "Pages"), "*.cshtml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Web, view).Replace('\\', '/');
            if (relative.EndsWith("_ViewImports.cshtml", StringComparison.Ordinal) || relative.EndsWith("_ViewStart.cshtml", StringComparison.Ordinal))
            {
                continue;
            }

            // Directives, awaits and localizer calls inside multi-line expressions are code, not text.
            var markup = Comment().Replace(File.ReadAllText(view), string.Empty);
            markup = Directive().Replace(markup, string.Empty).Replace("@await ", "@", StringComparison.Ordinal);
            markup = BareLocalizerCall().Replace(markup, " ");
            markup = CodeBlock().Replace(markup, string.Empty);
            foreach (Match node in TextNode().Matches(markup))
            {
                var text = RazorExpression().Replace(node.Groups[1].Value, " ");
                text = CSharpLine().Replace(text, " ");
                if (Words().IsMatch(text) && text.Trim() != "DealToLead")
                {
                    offenders.Add($"{relative}: “{text.Trim()}”");
                }
            }

            foreach (Match attribute in TextAttribute().Matches(markup))
            {
                if (!attribute.Groups[2].Value.StartsWith('@') && !CurrencyCode().IsMatch(attribute.Groups[2].Value))
                {
                    offenders.Add($"{relative}: {attribute.Groups[1].Value}=\"{attribute.Groups[2].Value}\"");
                }
            }
        }

        string.Join(Environment.NewLine, offenders).Should().BeEmpty("visible text goes through T[…] or S[…] so that it has a Swedish translation");
    }

    private static Dictionary<string, HashSet<string>> UsedKeys()
    {
        var used = Features.Values.Append("SharedText").ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var file in Directory.EnumerateFiles(Web, "*.cs*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Web, file).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("Api/", StringComparison.Ordinal)
                || !(relative.EndsWith(".cs", StringComparison.Ordinal) || relative.EndsWith(".cshtml", StringComparison.Ordinal)))
            {
                continue;
            }

            var parts = relative.Split('/');
            var feature = parts is ["Pages", var folder, _, ..] && Features.TryGetValue(folder, out var f) ? f : "SharedText";
            var source = File.ReadAllText(file);
            foreach (Match use in LocalizerUse().Matches(source))
            {
                var shared = use.Groups[1].Value is "S" or "shared" || parts[0] == "Localization";
                used[shared ? "SharedText" : feature].Add(Unescape(use.Groups[2].Value));
            }

            foreach (Match annotation in AnnotationText().Matches(source))
            {
                used["SharedText"].Add(Unescape(annotation.Groups[1].Value));
            }

            if (relative == "Localization/UiLanguages.cs")
            {
                foreach (Match template in ValidationTemplate().Matches(source))
                {
                    used["SharedText"].Add(Unescape(template.Groups[1].Value));
                }
            }
        }

        return used;
    }

    private static Dictionary<string, string> Swedish(string resource)
    {
        var folder = resource == "SharedText" ? "Shared" : Features.Single(f => f.Value == resource).Key;
        var path = Path.Combine(Web, "Pages", folder, $"{resource}.sv.resx");
        return XDocument.Load(path).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);
    }

    private static string Placeholders(string text) => string.Join(",", Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal));

    private static string Unescape(string literal) => literal.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealToLead.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DealToLead.sln not found above the test's directory.");
    }

    [GeneratedRegex(@"(?<![\w.])(S|T|text|shared)\[""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LocalizerUse();

    [GeneratedRegex(@"(?:ErrorMessage|Display\(Name) = ""((?:[^""\\]|\\.)*)""")]
    private static partial Regex AnnotationText();

    [GeneratedRegex(@"=> ""((?:[^""\\]|\\.)*)"",")]
    private static partial Regex ValidationTemplate();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\bL\(""((?:[^""\\]|\\.)*)""")]
    private static partial Regex EmailText();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"@\*.*?\*@", RegexOptions.Singleline)]
    private static partial Regex Comment();

    /// <summary>@{ … } blocks (one level of nested braces is enough for our views).</summary>
    [GeneratedRegex(@"@\{(?:[^{}]|\{[^{}]*\})*\}", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@">([^<>]*)<")]
    private static partial Regex TextNode();

    /// <summary>@Model.X, @T["…"], @(…), @x?.Y(…) and friends: what Razor writes, not literal text.</summary>
    [GeneratedRegex(@"@(?:\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)|[\w.?!]+(?:\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)|[\w.?!])*)")]
    private static partial Regex RazorExpression();

    /// <summary>C# between tags: control flow, declarations, statements ending in ; or braces.</summary>
    [GeneratedRegex(@"^\s*(?:\}?\s*else\b.*|(?:if|foreach|for|switch|case|default|break|var|return|while)\b.*|\(.*\)\s*|.*\b\w+\.[A-Z]\w*.*|.*[;{}].*|.*=>.*)$", RegexOptions.Multiline)]
    private static partial Regex CSharpLine();

    [GeneratedRegex(@"^@(?:model|page|using|inject|addTagHelper)\b.*$", RegexOptions.Multiline)]
    private static partial Regex Directive();

    [GeneratedRegex(@"(?<![\w@])[TS]\[""(?:[^""\\]|\\.)*""[^\]]*\]")]
    private static partial Regex BareLocalizerCall();

    [GeneratedRegex(@"^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Words();

    [GeneratedRegex(@"\s(aria-label|placeholder|title|data-confirm|alt)=""([^""]*\p{L}{2}[^""]*)""")]
    private static partial Regex TextAttribute();
}
