using System.Diagnostics;
using System.Text;
using DealToLead.Core.Common;

namespace DealToLead.UnitTests.Rules;

public class HtmlCleanerTests
{
    [Theory]
    [InlineData("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>")]
    [InlineData("<img src=x onerror=alert(1)>", "")]
    [InlineData("<p onclick=\"alert(1)\">ok</p>", "<p>ok</p>")]
    public void Script_never_survives(string input, string expected) => HtmlCleaner.Clean(input).Should().Be(expected);

    [Fact]
    public void Formatting_and_safe_links_are_kept() =>
        HtmlCleaner.Clean("<p><b>Bold</b> <a href=\"https://example.com\">link</a></p>")
            .Should().Be("<p><b>Bold</b> <a href=\"https://example.com\">link</a></p>");

    [Theory]
    [InlineData("<p style=\"background: url(http://remote.test/a.png)\">x</p>")]
    [InlineData("<p style=\"background-image: url('http://remote.test/a.png')\">x</p>")]
    [InlineData("<ul style=\"list-style-image: url(http://remote.test/a.png)\"><li>x</li></ul>")]
    [InlineData("<p style=\"border-image: url(http://remote.test/a.png) 30 round\">x</p>")]
    [InlineData("<p style=\"cursor: url(http://remote.test/a.cur), auto\">x</p>")]
    [InlineData("<p style=\"background: image-set('http://remote.test/a.png' 1x)\">x</p>")]
    [InlineData("<table background=\"http://remote.test/a.png\"><tr><td>x</td></tr></table>")]
    [InlineData("<input type=\"image\" src=\"http://remote.test/a.png\">")]
    [InlineData("<video poster=\"http://remote.test/a.png\"></video><audio src=\"http://remote.test/a.mp3\"></audio>")]
    [InlineData("<svg><image href=\"http://remote.test/a.png\"></image></svg>")]
    [InlineData("<link rel=\"stylesheet\" href=\"http://remote.test/a.css\"><style>@import 'http://remote.test/b.css';</style>")]
    [InlineData("<object data=\"http://remote.test/a.swf\"></object><embed src=\"http://remote.test/b.swf\">")]
    public void Nothing_that_loads_by_itself_survives(string input) =>
        HtmlCleaner.Clean(input).Should().NotContain("remote.test");

    [Fact]
    public void Forms_and_inputs_are_removed()
    {
        var clean = HtmlCleaner.Clean(
            "<form action=\"http://remote.test/steal\" method=\"post\"><input type=\"password\" name=\"p\"><button formaction=\"http://remote.test/x\">Go</button>"
            + "<select><option>a</option></select><textarea>t</textarea></form><p>after</p>");

        clean.Should().NotContainAny("<form", "<input", "<button", "<select", "<textarea", "remote.test").And.Contain("<p>after</p>");
    }

    [Theory]
    [InlineData("position: fixed; top: 0; left: 0; width: 100%; height: 100%")]
    [InlineData("position: absolute; inset: 0")]
    [InlineData("position: sticky; top: 0")]
    [InlineData("transform: translate(-500px, -500px) scale(50)")]
    [InlineData("z-index: 99999")]
    [InlineData("float: left; clip-path: inset(0)")]
    public void Nothing_may_leave_its_box(string style)
    {
        var clean = HtmlCleaner.Clean($"<div style=\"{style}\">cover</div>");

        clean.Should().NotContainAny("position", "transform", "z-index", "inset", "clip-path", "float").And.Contain("cover");
    }

    [Fact]
    public void Classes_and_ids_cannot_borrow_the_apps_styles_or_scripts() =>
        HtmlCleaner.Clean("<div class=\"bulk-bar dialog\" id=\"convert-form\" name=\"x\">t</div>").Should().Be("<div>t</div>");

    [Fact]
    public void Harmless_email_styling_is_kept() =>
        HtmlCleaner.Clean("<table><tr><td style=\"color: red; background-color: #fff; padding: 4px\">x</td></tr></table>")
            .Should().Contain("color: rgba(255, 0, 0, 1)").And.Contain("background-color").And.Contain("padding");

    [Fact]
    public void Cleaning_is_idempotent_and_remembers_its_output()
    {
        var once = HtmlCleaner.Clean("<p style=\"color: red\"><b>x</b></p>");

        HtmlCleaner.Clean(once).Should().Be(once);
        HtmlCleaner.IsAlreadyClean(once).Should().BeTrue();
        HtmlCleaner.IsAlreadyClean(new string(once.AsSpan())).Should().BeFalse();
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(201)]
    public void A_note_nested_deeper_than_the_limit_is_refused_without_parsing(int depth)
    {
        var html = Nested("b", depth);
        var watch = Stopwatch.StartNew();

        var refusal = HtmlCleaner.NoteRefusal(html);

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromMilliseconds(200));
        refusal.Should().NotBeNull();
    }

    [Fact]
    public void A_short_note_nested_too_deep_says_so() => HtmlCleaner.NoteRefusal(Nested("b", 201)).Should().Contain("deeper than 200");

    [Fact]
    public void A_note_at_the_limit_is_accepted() => HtmlCleaner.NoteRefusal(Nested("b", 200)).Should().BeNull();

    [Fact]
    public void A_note_longer_than_the_column_is_refused() =>
        HtmlCleaner.NoteRefusal(new string('a', HtmlCleaner.MaxNoteLength + 1)).Should().Contain("100,000");

    [Theory]
    [InlineData("<p>one<p>two<p>three", 1)]
    [InlineData("<ul><li>a<li>b<li>c</ul>", 2)]
    [InlineData("<table><tr><td>a<td>b<tr><td>c</table>", 3)]
    [InlineData("<br><hr><img src=x><p>x</p>", 1)]
    [InlineData("<!-- <b><b><b> -->", 0)]
    public void Implicitly_closed_and_void_elements_do_not_count_as_depth(string html, int depth)
    {
        HtmlNesting.Exceeds(html, depth).Should().BeFalse();
        if (depth > 0)
        {
            HtmlNesting.Exceeds(html, depth - 1).Should().BeTrue();
        }
    }

    [Fact]
    public void End_tags_that_close_nothing_do_not_hide_depth() =>
        HtmlNesting.Exceeds(string.Concat(Enumerable.Repeat("<b></i>", 300)), 200).Should().BeTrue();

    [Fact]
    public void Formatting_elements_the_parser_reopens_still_count()
    {
        // Each </p> closes the b's implicitly; the parser reopens them at the next text, so they pile up.
        var round = "<p>" + string.Concat(Enumerable.Range(0, 50).Select(n => $"<b class=\"c{n}\">")) + "x</p>";
        HtmlNesting.Exceeds(string.Concat(Enumerable.Repeat(round, 10)), 200).Should().BeTrue();
    }

    [Fact]
    public void Email_html_too_deep_is_not_kept_as_html() => HtmlCleaner.CleanEmailHtml(Nested("div", 60_000)).Should().BeNull();

    [Fact]
    public void Html_too_deep_for_storage_becomes_escaped_text_quickly()
    {
        var watch = Stopwatch.StartNew();

        var clean = HtmlCleaner.Clean(Nested("b", 100_000, "<script>x</script>hello"));

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        clean.Should().Be("<p>xhello</p>");
    }

    [Fact]
    public void Email_html_longer_than_the_limit_is_not_kept_as_html() =>
        HtmlCleaner.CleanEmailHtml("<p>" + new string('a', HtmlCleaner.MaxEmailHtmlLength) + "</p>").Should().BeNull();

    private static string Nested(string tag, int depth, string inner = "x") =>
        new StringBuilder().Insert(0, $"<{tag}>", depth).Append(inner).Append(string.Concat(Enumerable.Repeat($"</{tag}>", depth))).ToString();
}
