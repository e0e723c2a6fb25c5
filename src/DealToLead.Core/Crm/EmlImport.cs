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

        return new EmailMessage
        {
            From = message.From.ToString(),
            To = message.To.Mailboxes.Select(m => m.ToString()).ToList(),
            Cc = message.Cc.Mailboxes.Select(m => m.ToString()).ToList(),
            Subject = string.IsNullOrEmpty(message.Subject) ? "(no subject)" : message.Subject,
            SentAt = message.Date == DateTimeOffset.MinValue ? now : message.Date.ToUniversalTime(),
            TextBody = message.TextBody,
            HtmlBody = message.HtmlBody,
            MessageId = message.MessageId,
            LinkedVia = EmailLinkKind.Bcc,
            DealId = dealId,
            CreatedAt = now,
        };
    }
}
