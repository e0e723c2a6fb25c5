using DealToLead.Core.Conversions;

namespace DealToLead.UnitTests.Rules;

public class BulkConversionEmailTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_email_counts_outcomes_lists_what_was_not_converted_and_links_to_the_inbox_filtered_on_deals()
    {
        var email = Compose(
            Item(0, "Acme renewal", BulkItemOutcome.Converted),
            Item(1, "Globex", BulkItemOutcome.Converted),
            Item(2, "Initech", BulkItemOutcome.Rejected, "Won deals cannot be converted to leads."),
            Item(3, "Umbrella", BulkItemOutcome.Failed, "An unexpected error stopped this conversion."));

        email.Subject.Should().Be("2 deals converted to leads, 2 not converted");
        email.TextBody.Should().Contain("Converted: 2").And.Contain("Rejected: 1").And.Contain("Failed: 1")
            .And.Contain("- Initech (Rejected): Won deals cannot be converted to leads.")
            .And.Contain("- Umbrella (Failed): An unexpected error stopped this conversion.")
            .And.Contain("https://crm.example/leads?source=Deal")
            .And.NotContain("Acme renewal");
        email.HtmlBody.Should().Contain("<a href=\"https://crm.example/leads?source=Deal\">");
    }

    [Fact]
    public void User_provided_text_is_escaped_in_the_html_part()
    {
        var email = Compose(Item(0, "<script>alert(1)</script> & Co", BulkItemOutcome.Rejected, "<b>nope</b>"));

        email.HtmlBody.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co").And.Contain("&lt;b&gt;nope&lt;/b&gt;")
            .And.NotContain("<script>").And.NotContain("<b>nope");
        email.Subject.Should().Be("0 deals converted to leads, 1 not converted");
    }

    [Fact]
    public void One_converted_deal_reads_as_singular()
    {
        Compose(Item(0, "Solo", BulkItemOutcome.Converted)).Subject.Should().Be("1 deal converted to a lead");
    }

    private static Core.Notifications.OutboxEmail Compose(params BulkConversionJobItem[] items) =>
        BulkConversionEmail.Compose(new BulkConversionJob { Id = Guid.NewGuid(), Total = items.Length }, items, "rep@example.test", "<Ruben>", "https://crm.example/", Now);

    private static BulkConversionJobItem Item(int position, string title, BulkItemOutcome outcome, string? reason = null) =>
        new() { Position = position, DealId = position + 1, DealTitle = title, Outcome = outcome, Reason = reason };
}
