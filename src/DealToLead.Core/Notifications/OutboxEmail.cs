namespace DealToLead.Core.Notifications;

/// <summary>
/// An email waiting to be sent. Written in the same transaction as the change that causes it, so a
/// crash or an SMTP outage delays it but never loses or duplicates it.
/// </summary>
public class OutboxEmail
{
    public Guid Id { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string HtmlBody { get; set; }
    public required string TextBody { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? LastError { get; set; }
}
