using DealToLead.Core.Users;

namespace DealToLead.Core.Crm;

public enum ActivityType
{
    Call,
    Meeting,
    Task,
    Email,
    Deadline,
    Lunch,
}

/// <summary>
/// Activities, notes and emails belong to a deal or to a lead. <c>MovedFromDealId</c> remembers which
/// deal an item came from during a conversion, so that undo moves back exactly those items.
/// </summary>
public interface IDealOrLeadItem
{
    int? DealId { get; set; }
    Guid? LeadId { get; set; }
    int? MovedFromDealId { get; set; }
}

public class Activity : IDealOrLeadItem
{
    public int Id { get; set; }
    public ActivityType Type { get; set; } = ActivityType.Call;
    public required string Subject { get; set; }
    public DateOnly DueDate { get; set; }
    public TimeOnly? DueTime { get; set; }
    public TimeSpan? Duration { get; set; }
    public int OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? Note { get; set; }
    public int? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public int? PersonId { get; set; }
    public int? OrganizationId { get; set; }
    public int? MovedFromDealId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public class Note : IDealOrLeadItem
{
    public int Id { get; set; }
    public required string Content { get; set; }
    public int AuthorId { get; set; }
    public AppUser? Author { get; set; }
    public int? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public int? PersonId { get; set; }
    public int? OrganizationId { get; set; }
    public int? MovedFromDealId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum EmailLinkKind
{
    Sync,
    Bcc,
}

public class EmailMessage : IDealOrLeadItem
{
    public int Id { get; set; }
    public required string From { get; set; }
    public List<string> To { get; set; } = [];
    public List<string> Cc { get; set; } = [];
    public required string Subject { get; set; }
    public DateTimeOffset SentAt { get; set; }
    public string? TextBody { get; set; }
    public string? HtmlBody { get; set; }
    public string? MessageId { get; set; }
    public EmailLinkKind LinkedVia { get; set; } = EmailLinkKind.Sync;
    public int? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public int? MovedFromDealId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The Message-Id that starts the conversation (first of References, else In-Reply-To, else its own).</summary>
    public string? ThreadKey { get; set; }

    /// <summary>The mailbox message it came from (Smart Bcc or email sync); null for an upload.</summary>
    public long? ReceivedMessageId { get; set; }
    public List<Mail.EmailAttachment> Attachments { get; set; } = [];
}

public enum InvoiceStatus
{
    Draft,
    Sent,
    Paid,
    Overdue,
}

public class Invoice
{
    public int Id { get; set; }
    public int DealId { get; set; }
    public required string Number { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "EUR";
    public InvoiceStatus Status { get; set; }
    public DateOnly IssuedOn { get; set; }
}

public class DealHistoryEntry
{
    public long Id { get; set; }
    public int DealId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? UserId { get; set; }
    public AppUser? User { get; set; }
    public required string Field { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
}
