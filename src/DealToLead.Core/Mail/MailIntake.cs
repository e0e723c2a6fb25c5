using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DealToLead.Core.Mail;

/// <summary>Where a message read from a mailbox came from.</summary>
public readonly record struct MailboxPosition(string MailboxKey, string Folder, long UidValidity, long Uid);

/// <summary>
/// The one way a message read over IMAP enters the CRM, for the company's inbound mailbox (Smart Bcc) and for users'
/// synced mailboxes alike. The caller holds the folder's lock and commits; this records the message once and links it.
/// </summary>
public sealed class MailIntake(CrmDbContext db, IOptions<SmartBccOptions> bccOptions, TimeProvider clock)
{
    private static readonly string[] EnvelopeHeaders = ["Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "Resent-To"];

    /// <param name="syncingUser">The owner of a synced mailbox: only deals and leads they may see are linked; null for the inbound mailbox.</param>
    public async Task<ReceivedMessageStatus?> StoreAsync(MailboxPosition position, byte[] raw, UserAccess? syncingUser, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var (message, reason) = Parse(raw);
        var received = new ReceivedMessage
        {
            MailboxKey = position.MailboxKey,
            Folder = position.Folder,
            UidValidity = position.UidValidity,
            Uid = position.Uid,
            MessageId = Truncate(message?.MessageId, 1000),
            From = Truncate(message?.From.ToString(), 500),
            Subject = Truncate(message?.Subject, 1000),
            Status = ReceivedMessageStatus.Quarantined,
            Reason = reason,
            ReceivedAt = now,
        };

        List<ItemParent> targets = [];
        if (message is not null)
        {
            targets = syncingUser is null ? await InboundTargetsAsync(message, cancellationToken) : await SyncTargetsAsync(message, syncingUser, cancellationToken);
            received.Status = targets.Count > 0 ? ReceivedMessageStatus.Linked : syncingUser is null ? ReceivedMessageStatus.Unlinked : ReceivedMessageStatus.Ignored;
        }

        received.Raw = received.Status is ReceivedMessageStatus.Unlinked or ReceivedMessageStatus.Quarantined ? raw : null;
        if (!await TryRecordAsync(received, cancellationToken))
        {
            return null;
        }

        await LinkAsync(received, message, targets, syncingUser is null ? EmailLinkKind.Bcc : EmailLinkKind.Sync, cancellationToken);
        return received.Status;
    }

    /// <summary>Creates the message's email on each deal or lead that does not have it yet (the same mail may come by Bcc and by sync).</summary>
    public async Task<int> LinkAsync(ReceivedMessage received, MimeMessage? message, IEnumerable<ItemParent> targets, EmailLinkKind kind, CancellationToken cancellationToken)
    {
        if (message is null)
        {
            return 0;
        }

        var linked = 0;
        foreach (var target in targets.Distinct())
        {
            if (message.MessageId is { } messageId && await db.Emails.AnyAsync(e => e.MessageId == messageId && e.DealId == target.DealId && e.LeadId == target.LeadId, cancellationToken))
            {
                continue;
            }

            var email = ToEmail(message, clock.GetUtcNow());
            (email.DealId, email.LeadId, email.LinkedVia, email.ReceivedMessageId) = (target.DealId, target.LeadId, kind, received.Id);
            db.Emails.Add(email);
            linked++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return linked;
    }

    public static (MimeMessage? Message, string? Reason) Parse(byte[] raw)
    {
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            var message = MimeMessage.Load(stream);
            if (message.From.Count == 0 && message.To.Count == 0 && message.Date == DateTimeOffset.MinValue && string.IsNullOrEmpty(message.Subject))
            {
                return (null, "No From, To, Date or Subject header: this is not an email message.");
            }

            if (message.From.Count == 0)
            {
                return (null, "The message has no From address.");
            }

            return (message, null);
        }
        catch (FormatException e)
        {
            return (null, $"Not a readable RFC 822 message: {e.Message}");
        }
    }

    public static EmailMessage ToEmail(MimeMessage message, DateTimeOffset now)
    {
        var email = new EmailMessage
        {
            From = Truncate(message.From.ToString(), 500)!,
            To = message.To.Mailboxes.Select(m => m.ToString()).ToList(),
            Cc = message.Cc.Mailboxes.Select(m => m.ToString()).ToList(),
            Subject = Truncate(string.IsNullOrEmpty(message.Subject) ? "(no subject)" : message.Subject, 1000)!,
            SentAt = message.Date == DateTimeOffset.MinValue ? now : message.Date.ToUniversalTime(),
            TextBody = message.TextBody,
            MessageId = Truncate(message.MessageId, 1000),
            ThreadKey = Truncate(ThreadKeyOf(message), 1000),
            CreatedAt = now,
        };
        EmlImport.SetHtmlBody(email, message.HtmlBody);
        foreach (var part in message.Attachments.OfType<MimePart>())
        {
            using var content = new MemoryStream();
            part.Content?.DecodeTo(content);
            email.Attachments.Add(new EmailAttachment
            {
                FileName = Truncate(part.FileName ?? "attachment", 255)!,
                ContentType = Truncate(part.ContentType.MimeType, 200)!,
                Size = (int)content.Length,
                Content = content.ToArray(),
            });
        }

        return email;
    }

    /// <summary>The first message of the conversation: References lists the thread from its root, In-Reply-To names the parent.</summary>
    public static string? ThreadKeyOf(MimeMessage message) =>
        message.References.FirstOrDefault() ?? (string.IsNullOrEmpty(message.InReplyTo) ? null : message.InReplyTo) ?? message.MessageId;

    private async Task<List<ItemParent>> InboundTargetsAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var bcc = bccOptions.Value;
        var secret = await CompanySettings.MailSecretAsync(db, cancellationToken);
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address)
            .Concat(message.Headers.Where(h => EnvelopeHeaders.Contains(h.Field, StringComparer.OrdinalIgnoreCase))
                .SelectMany(h => InternetAddressList.TryParse(h.Value, out var list) ? list.Mailboxes.Select(m => m.Address) : []));
        List<ItemParent> targets = [];
        var company = false;
        foreach (var address in recipients)
        {
            var target = bcc.Parse(address, secret);
            switch (target.Kind)
            {
                case BccTargetKind.Deal when await db.Deals.AnyAsync(d => d.Id == target.DealId, cancellationToken):
                    targets.Add(ItemParent.Deal(target.DealId!.Value));
                    break;
                case BccTargetKind.Lead when await db.Leads.AnyAsync(l => l.Id == target.LeadId, cancellationToken):
                    targets.Add(ItemParent.Lead(target.LeadId!.Value));
                    break;
                case BccTargetKind.Company:
                    company = true;
                    break;
            }
        }

        if (company)
        {
            targets.AddRange(await OpenRecordsOfParticipantsAsync(message, db.Deals, db.Leads, cancellationToken));
        }

        return targets;
    }

    private Task<List<ItemParent>> SyncTargetsAsync(MimeMessage message, UserAccess user, CancellationToken cancellationToken) =>
        OpenRecordsOfParticipantsAsync(message, db.Deals.VisibleTo(user), db.Leads.VisibleTo(user), cancellationToken);

    private async Task<List<ItemParent>> OpenRecordsOfParticipantsAsync(MimeMessage message, IQueryable<Deal> deals, IQueryable<Lead> leads, CancellationToken cancellationToken)
    {
        var domain = bccOptions.Value.Domain;
        var participants = message.From.Mailboxes.Concat(message.To.Mailboxes).Concat(message.Cc.Mailboxes)
            .Select(m => m.Address.ToLowerInvariant())
            .Where(a => !a.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase))
            .Distinct().ToArray();
        if (participants.Length == 0)
        {
            return [];
        }

        // lower_emails(emails) has a GIN index (migration PersonEmailLookup): one index probe per message, not a scan of every person.
        var personIds = await db.Database.SqlQuery<int>($"SELECT id AS \"Value\" FROM persons WHERE lower_emails(emails) && {participants}").ToListAsync(cancellationToken);
        if (personIds.Count == 0)
        {
            return [];
        }

        var dealIds = await deals.Where(d => d.Status == DealStatus.Open && d.PersonId != null && personIds.Contains(d.PersonId.Value)).Select(d => d.Id).ToListAsync(cancellationToken);
        var leadIds = await leads.Where(l => !l.IsArchived && l.PersonId != null && personIds.Contains(l.PersonId.Value)).Select(l => l.Id).ToListAsync(cancellationToken);
        return [.. dealIds.Select(ItemParent.Deal), .. leadIds.Select(ItemParent.Lead)];
    }

    /// <summary>
    /// Inserts the message's record unless this mailbox already has it (same UID, or same Message-Id at another UID);
    /// ON CONFLICT rather than a read first, so two instances racing on one message cannot both win.
    /// </summary>
    private async Task<bool> TryRecordAsync(ReceivedMessage m, CancellationToken cancellationToken)
    {
        var ids = await db.Database.SqlQuery<long>($"""
            INSERT INTO received_messages (mailbox_key, folder, uid_validity, uid, message_id, status, reason, "from", subject, raw, received_at)
            VALUES ({m.MailboxKey}, {m.Folder}, {m.UidValidity}, {m.Uid}, {m.MessageId}, {m.Status.ToString()}, {m.Reason}, {m.From}, {m.Subject}, {m.Raw}, {m.ReceivedAt})
            ON CONFLICT DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return false;
        }

        m.Id = ids[0];
        return true;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
