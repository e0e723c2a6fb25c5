using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Mail;

/// <summary>
/// Messages sent to the company's Bcc address that matched no deal or lead, and messages that could not be read.
/// The inbound mailbox is the company's, so every active user sees its unlinked messages, like the contacts; a user
/// links one to a deal or lead they may edit.
/// </summary>
public sealed class UnlinkedEmails(CrmDbContext db, MailIntake intake)
{
    public IQueryable<ReceivedMessage> Unlinked() =>
        db.ReceivedMessages.AsNoTracking().Where(m => m.MailboxKey == MailboxKeys.Inbound && m.Status == ReceivedMessageStatus.Unlinked).OrderByDescending(m => m.ReceivedAt);

    /// <summary>The quarantine: the inbound mailbox's unreadable messages and those of the user's own synced mailbox.</summary>
    public IQueryable<ReceivedMessage> Quarantined(UserAccess user)
    {
        var own = MailboxKeys.User(user.UserId);
        return db.ReceivedMessages.AsNoTracking()
            .Where(m => m.Status == ReceivedMessageStatus.Quarantined && (m.MailboxKey == MailboxKeys.Inbound || m.MailboxKey == own))
            .OrderByDescending(m => m.ReceivedAt);
    }

    public async Task<CommandResult<EmailMessage>> LinkAsync(UserAccess actor, long receivedMessageId, ItemParent parent, CancellationToken cancellationToken = default)
    {
        if (parent == default || ItemRules.RefuseBoth(parent) is not null)
        {
            return CommandError.Invalid("Choose one deal or one lead.");
        }

        var received = await db.ReceivedMessages.FirstOrDefaultAsync(m => m.Id == receivedMessageId && m.MailboxKey == MailboxKeys.Inbound && m.Status == ReceivedMessageStatus.Unlinked, cancellationToken);
        if (received?.Raw is null)
        {
            return CommandError.NotFound("Unlinked email");
        }

        if (await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        var (message, _) = MailIntake.Parse(received.Raw);
        received.Status = ReceivedMessageStatus.Linked;
        received.Raw = null;
        await intake.LinkAsync(received, message, [parent], EmailLinkKind.Bcc, cancellationToken);
        var email = await db.Emails.OrderByDescending(e => e.Id).FirstAsync(e => e.ReceivedMessageId == received.Id, cancellationToken);
        return email;
    }
}
