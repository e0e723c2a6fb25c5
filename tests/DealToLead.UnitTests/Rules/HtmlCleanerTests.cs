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
}
