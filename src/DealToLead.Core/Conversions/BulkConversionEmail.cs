using System.Globalization;
using System.Net;
using System.Resources;
using System.Text;
using DealToLead.Core.Notifications;

namespace DealToLead.Core.Conversions;

/// <summary>
/// The confirmation email sent to the user who started a bulk conversion, when it finishes, in the language of
/// their profile (English without one: there is no browser to ask). English text is the key; the Swedish is in
/// BulkConversionEmail.sv.resx, checked by the same resource test as the pages.
/// </summary>
public static class BulkConversionEmail
{
    private static readonly ResourceManager Swedish = new("DealToLead.Core.Conversions.BulkConversionEmail", typeof(BulkConversionEmail).Assembly);

    public static OutboxEmail Compose(BulkConversionJob job, IReadOnlyList<BulkConversionJobItem> items, string to, string recipientName, string publicUrl, DateTimeOffset now, string? language = null)
    {
        var culture = language is { Length: > 0 } ? CultureInfo.GetCultureInfo(language) : CultureInfo.GetCultureInfo("en");
        string L(string english, params object[] values)
        {
            var text = culture.TwoLetterISOLanguageName == "en" ? null : Swedish.GetString(english, culture);
            return string.Format(culture, text ?? english, values);
        }

        string Outcome(BulkItemOutcome outcome) => outcome == BulkItemOutcome.Failed ? L("Failed") : L("Rejected");

        var converted = items.Count(i => i.Outcome == BulkItemOutcome.Converted);
        var rejected = items.Where(i => i.Outcome == BulkItemOutcome.Rejected).ToList();
        var failed = items.Where(i => i.Outcome == BulkItemOutcome.Failed).ToList();
        var notConverted = items.Where(i => i.Outcome is BulkItemOutcome.Rejected or BulkItemOutcome.Failed).OrderBy(i => i.Position).ToList();
        var baseUrl = publicUrl.TrimEnd('/');
        var inboxUrl = $"{baseUrl}/leads?source=Deal";
        var jobUrl = $"{baseUrl}/conversions/{job.Id}";

        var subject = converted == 1 ? L("1 deal converted to a lead") : L("{0} deals converted to leads", converted);
        if (notConverted.Count > 0)
        {
            subject += L(", {0} not converted", notConverted.Count);
        }

        var text = new StringBuilder()
            .AppendLine(L("Hi {0},", recipientName))
            .AppendLine()
            .AppendLine(L("Your bulk conversion of {0} deals has finished.", items.Count))
            .AppendLine($"{L("Converted")}: {converted}")
            .AppendLine($"{L("Rejected")}: {rejected.Count}")
            .AppendLine($"{L("Failed")}: {failed.Count}");
        if (notConverted.Count > 0)
        {
            text.AppendLine().AppendLine($"{L("Not converted")}:");
            foreach (var item in notConverted)
            {
                text.AppendLine($"- {item.DealTitle ?? L("Deal {0}", item.DealId)} ({Outcome(item.Outcome)}): {Reason(item.Reason)}");
            }
        }

        text.AppendLine()
            .AppendLine($"{L("See the new leads in the Leads Inbox")}: {inboxUrl}")
            .AppendLine($"{L("Details of this conversion")}: {jobUrl}");

        // A refusal's reason is one of the domain's sentences; the Swedish resource has the common ones.
        string Reason(string? reason) => reason is null ? string.Empty : culture.TwoLetterISOLanguageName == "en" ? reason : Swedish.GetString(reason, culture) ?? reason;

        static string H(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);
        var html = new StringBuilder()
            .Append("<!doctype html><html><body style=\"font-family: sans-serif\">")
            .Append($"<p>{H(L("Hi {0},", recipientName))}</p>")
            .Append($"<p>{H(L("Your bulk conversion of {0} deals has finished.", items.Count))}</p>")
            .Append("<table cellpadding=\"4\">")
            .Append($"<tr><th align=\"left\">{H(L("Converted"))}</th><td>{converted}</td></tr>")
            .Append($"<tr><th align=\"left\">{H(L("Rejected"))}</th><td>{rejected.Count}</td></tr>")
            .Append($"<tr><th align=\"left\">{H(L("Failed"))}</th><td>{failed.Count}</td></tr>")
            .Append("</table>");
        if (notConverted.Count > 0)
        {
            html.Append($"<h2 style=\"font-size: 1.1em\">{H(L("Not converted"))}</h2><ul>");
            foreach (var item in notConverted)
            {
                html.Append($"<li><strong>{H(item.DealTitle ?? L("Deal {0}", item.DealId))}</strong> ({H(Outcome(item.Outcome))}): {H(Reason(item.Reason))}</li>");
            }

            html.Append("</ul>");
        }

        html.Append($"<p><a href=\"{H(inboxUrl)}\">{H(L("See the new leads in the Leads Inbox"))}</a></p>")
            .Append($"<p><a href=\"{H(jobUrl)}\">{H(L("Details of this conversion"))}</a></p>")
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
