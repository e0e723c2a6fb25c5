using System.Net;
using System.Text;
using DealToLead.Core.Notifications;

namespace DealToLead.Core.Conversions;

/// <summary>The confirmation email sent to the user who started a bulk conversion, when it finishes.</summary>
public static class BulkConversionEmail
{
    public static OutboxEmail Compose(BulkConversionJob job, IReadOnlyList<BulkConversionJobItem> items, string to, string recipientName, string publicUrl, DateTimeOffset now)
    {
        var converted = items.Count(i => i.Outcome == BulkItemOutcome.Converted);
        var rejected = items.Where(i => i.Outcome == BulkItemOutcome.Rejected).ToList();
        var failed = items.Where(i => i.Outcome == BulkItemOutcome.Failed).ToList();
        var notConverted = items.Where(i => i.Outcome is BulkItemOutcome.Rejected or BulkItemOutcome.Failed).OrderBy(i => i.Position).ToList();
        var baseUrl = publicUrl.TrimEnd('/');
        var inboxUrl = $"{baseUrl}/leads?source=Deal";
        var jobUrl = $"{baseUrl}/conversions/{job.Id}";

        var subject = converted == 1 ? "1 deal converted to a lead" : $"{converted} deals converted to leads";
        if (notConverted.Count > 0)
        {
            subject += $", {notConverted.Count} not converted";
        }

        var text = new StringBuilder()
            .AppendLine($"Hi {recipientName},")
            .AppendLine()
            .AppendLine($"Your bulk conversion of {items.Count} deals has finished.")
            .AppendLine($"Converted: {converted}")
            .AppendLine($"Rejected: {rejected.Count}")
            .AppendLine($"Failed: {failed.Count}");
        if (notConverted.Count > 0)
        {
            text.AppendLine().AppendLine("Not converted:");
            foreach (var item in notConverted)
            {
                text.AppendLine($"- {item.DealTitle ?? $"Deal {item.DealId}"} ({item.Outcome}): {item.Reason}");
            }
        }

        text.AppendLine()
            .AppendLine($"See the new leads in the Leads Inbox: {inboxUrl}")
            .AppendLine($"Details of this conversion: {jobUrl}");

        static string H(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);
        var html = new StringBuilder()
            .Append("<!doctype html><html><body style=\"font-family: sans-serif\">")
            .Append($"<p>Hi {H(recipientName)},</p>")
            .Append($"<p>Your bulk conversion of {items.Count} deals has finished.</p>")
            .Append("<table cellpadding=\"4\">")
            .Append($"<tr><th align=\"left\">Converted</th><td>{converted}</td></tr>")
            .Append($"<tr><th align=\"left\">Rejected</th><td>{rejected.Count}</td></tr>")
            .Append($"<tr><th align=\"left\">Failed</th><td>{failed.Count}</td></tr>")
            .Append("</table>");
        if (notConverted.Count > 0)
        {
            html.Append("<h2 style=\"font-size: 1.1em\">Not converted</h2><ul>");
            foreach (var item in notConverted)
            {
                html.Append($"<li><strong>{H(item.DealTitle ?? $"Deal {item.DealId}")}</strong> ({item.Outcome}): {H(item.Reason)}</li>");
            }

            html.Append("</ul>");
        }

        html.Append($"<p><a href=\"{H(inboxUrl)}\">See the new leads in the Leads Inbox</a></p>")
            .Append($"<p><a href=\"{H(jobUrl)}\">Details of this conversion</a></p>")
            .Append("</body></html>");

        return new OutboxEmail
        {
            Id = Guid.CreateVersion7(),
            To = to,
            Subject = subject,
            HtmlBody = html.ToString(),
            TextBody = text.ToString(),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }
}
