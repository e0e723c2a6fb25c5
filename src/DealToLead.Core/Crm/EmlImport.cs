using DealToLead.Core.Common;
using MimeKit;

namespace DealToLead.Core.Crm;

/// <summary>Turns a raw RFC 822 message (an uploaded <c>.eml</c> or an API body) into an email on a deal.</summary>
public static class EmlImport
{
    /// <summary>The largest message accepted, by the upload form and the API alike.</summary>
    public const int MaxBytes = 25 * 1024 * 1024;

    public static string TooLargeMessage => $"The message is larger than {MaxBytes / (1024 * 1024)} MB, the most an .eml may be.";

    public static async Task<EmailMessage?> ParseAsync(Stream eml, int dealId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(eml, cancellationToken);
        }
        catch (FormatException)
        {
            return null;
        }

        if (message.From.Count == 0 && message.To.Count == 0 && string.IsNullOrEmpty(message.Subject))
        {
            return null;
        }

        var email = new EmailMessage
        {
            From = message.From.ToString(),
            To = message.To.Mailboxes.Select(m => m.ToString()).ToList(),
            Cc = message.Cc.Mailboxes.Select(m => m.ToString()).ToList(),
            Subject = string.IsNullOrEmpty(message.Subject) ? "(no subject)" : message.Subject,
            SentAt = message.Date == DateTimeOffset.MinValue ? now : message.Date.ToUniversalTime(),
            TextBody = message.TextBody,
            MessageId = message.MessageId,
            LinkedVia = EmailLinkKind.Bcc,
            DealId = dealId,
            CreatedAt = now,
        };
        SetHtmlBody(email, message.HtmlBody);
        return email;
    }

    /// <summary>Sets the email's sanitized HTML part; HTML too deep or too long to keep is dropped and its text kept instead.</summary>
    public static void SetHtmlBody(EmailMessage email, string? html)
    {
        email.HtmlBody = HtmlCleaner.CleanEmailHtml(html);
        if (email.HtmlBody is null && !string.IsNullOrEmpty(html) && string.IsNullOrWhiteSpace(email.TextBody))
        {
            email.TextBody = HtmlCleaner.ToText(html);
        }
    }
}
