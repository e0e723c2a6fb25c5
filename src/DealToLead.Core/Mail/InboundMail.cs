namespace DealToLead.Core.Mail;

/// <summary>What became of a message read from a mailbox.</summary>
public enum ReceivedMessageStatus
{
    /// <summary>Stored as an email on at least one deal or lead.</summary>
    Linked,

    /// <summary>Sent to the company's inbound mailbox but matched nothing: waits in "Unlinked emails".</summary>
    Unlinked,

    /// <summary>From a user's synced mailbox and about no deal or lead the user may see: remembered only so it is not read again.</summary>
    Ignored,

    /// <summary>Could not be read as an email: kept with the reason, never retried.</summary>
    Quarantined,
}

/// <summary>
/// One message read from a mailbox folder, kept so that the same message is stored once however often it is fetched:
/// unique on (mailbox, folder, UIDVALIDITY, UID) and on (mailbox, Message-Id).
/// </summary>
public class ReceivedMessage
{
    public long Id { get; set; }

    /// <summary><see cref="MailboxKeys.Inbound"/> or a user's synced mailbox (<see cref="MailboxKeys.User"/>).</summary>
    public required string MailboxKey { get; set; }
    public required string Folder { get; set; }
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public string? MessageId { get; set; }
    public ReceivedMessageStatus Status { get; set; }
    public string? Reason { get; set; }
    public string? From { get; set; }
    public string? Subject { get; set; }

    /// <summary>The raw message, kept while it is unlinked or quarantined so it can be linked or inspected later.</summary>
    public byte[]? Raw { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>How far a mailbox folder has been read: UIDs up to <see cref="LastUid"/> under <see cref="UidValidity"/>.</summary>
public class MailFolderState
{
    public required string MailboxKey { get; set; }
    public required string Folder { get; set; }
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public static class MailboxKeys
{
    public const string Inbound = "inbound";

    public static string User(int userId) => $"user-{userId}";
}

public enum MailSecurity
{
    /// <summary>TLS from the first byte (IMAPS, usually port 993).</summary>
    Tls,
    StartTls,
    None,
}

/// <summary>A user's own mailbox, synced into the CRM (Settings &gt; Email sync). One per user.</summary>
public class MailboxConnection
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public required string Host { get; set; }
    public int Port { get; set; }
    public MailSecurity Security { get; set; }
    public required string UserName { get; set; }

    /// <summary>The app password, encrypted with ASP.NET Core data protection; never shown again.</summary>
    public required string ProtectedPassword { get; set; }
    public DateOnly StartDate { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
    public DateTimeOffset? LastSyncAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? LastErrorAt { get; set; }
    public int MessagesRead { get; set; }
    public int MessagesLinked { get; set; }
}

/// <summary>A file that came with an email; it travels with the email (to a lead and back) because it belongs to it.</summary>
public class EmailAttachment
{
    public int Id { get; set; }
    public int EmailId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public int Size { get; set; }
    public required byte[] Content { get; set; }
}
