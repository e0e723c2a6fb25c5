using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Mail;

public sealed record MailboxConnectionInput(string? Host, int? Port, MailSecurity Security, string? UserName, string? Password, DateOnly? StartDate);

/// <summary>Settings &gt; Email sync: a user connects (and disconnects) their own mailbox.</summary>
public sealed class MailboxSyncSettings(CrmDbContext db, IDataProtectionProvider protection, TimeProvider clock)
{
    public const string ProtectorPurpose = "DealToLead.MailboxPassword";

    public IDataProtector Protector => protection.CreateProtector(ProtectorPurpose);

    public Task<MailboxConnection?> ForUserAsync(int userId, CancellationToken cancellationToken = default) =>
        db.MailboxConnections.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId, cancellationToken);

    public async Task<CommandResult<MailboxConnection>> ConnectAsync(UserAccess actor, MailboxConnectionInput input, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(input.Host) || string.IsNullOrWhiteSpace(input.UserName) || string.IsNullOrEmpty(input.Password))
        {
            return CommandError.Invalid("Enter the IMAP host, the user name and the app password.");
        }

        if (input.Port is not (> 0 and <= 65535))
        {
            return CommandError.Invalid("The port is a number from 1 to 65535 (usually 993).");
        }

        await db.MailboxConnections.Where(c => c.UserId == actor.UserId).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var connection = new MailboxConnection
        {
            UserId = actor.UserId,
            Host = input.Host.Trim(),
            Port = input.Port.Value,
            Security = input.Security,
            UserName = input.UserName.Trim(),
            ProtectedPassword = Protector.Protect(input.Password),
            StartDate = input.StartDate ?? DateOnly.FromDateTime(now.UtcDateTime.AddDays(-30)),
            ConnectedAt = now,
        };
        db.MailboxConnections.Add(connection);
        await db.SaveChangesAsync(cancellationToken);
        return connection;
    }

    /// <summary>Deletes the credentials and how far the folders were read; the emails already linked stay where they are.</summary>
    public async Task DisconnectAsync(UserAccess actor, CancellationToken cancellationToken = default)
    {
        var key = MailboxKeys.User(actor.UserId);
        await db.MailboxConnections.Where(c => c.UserId == actor.UserId).ExecuteDeleteAsync(cancellationToken);
        await db.MailFolderStates.Where(s => s.MailboxKey == key).ExecuteDeleteAsync(cancellationToken);
        await db.ReceivedMessages.Where(m => m.MailboxKey == key && m.Status != ReceivedMessageStatus.Linked).ExecuteDeleteAsync(cancellationToken);
    }
}
