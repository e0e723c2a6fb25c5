using DealToLead.Core.Data;
using DealToLead.Core.Mail;
using DealToLead.Core.Users;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.Infrastructure.Mail;

public sealed record ImapAccount(string Host, int Port, MailSecurity Security, string UserName, string Password);

public sealed record FolderSyncResult(int Read, int Linked);

/// <summary>
/// Reads new messages of one IMAP mailbox into the CRM; used for the company's inbound mailbox and for users' synced
/// mailboxes. Each batch runs in one transaction that holds the folder's state row locked (FOR UPDATE SKIP LOCKED),
/// so two app instances never read a folder at once, and a crash rolls back the batch, which is read again
/// (docs/decisions/0015). Only <c>UID FETCH</c> is used (no SEARCH), which smtp4dev's IMAP server also serves.
/// </summary>
public sealed class ImapMailboxReader(IServiceScopeFactory scopes, TimeProvider clock)
{
    public const int BatchSize = 50;

    /// <summary>A keyword marking messages the CRM has stored, where the server keeps keywords.</summary>
    public const string ProcessedKeyword = "$DealToLead";

    /// <param name="protocolLogger">Sees every IMAP command and reply (the benchmark counts the commands of a poll).</param>
    public static async Task<ImapClient> ConnectAsync(ImapAccount account, CancellationToken cancellationToken, IProtocolLogger? protocolLogger = null)
    {
        var client = protocolLogger is null ? new ImapClient() : new ImapClient(protocolLogger);
        client.Timeout = 30_000;
        try
        {
            var options = account.Security switch
            {
                MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
                MailSecurity.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            };
            await client.ConnectAsync(account.Host, account.Port, options, cancellationToken);
            await client.AuthenticateAsync(account.UserName, account.Password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The folder for sent mail: the server's special use \Sent where it says so, else one called "Sent".</summary>
    public static async Task<IMailFolder?> SentFolderAsync(ImapClient client, CancellationToken cancellationToken)
    {
        if ((client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0 && client.GetFolder(SpecialFolder.Sent) is { } sent)
        {
            return sent;
        }

        var personal = client.GetFolder(client.PersonalNamespaces[0]);
        var folders = await personal.GetSubfoldersAsync(false, cancellationToken);
        return folders.FirstOrDefault(f => f.Name.Equals("Sent", StringComparison.OrdinalIgnoreCase) || f.Name.Equals("Sent Items", StringComparison.OrdinalIgnoreCase));
    }

    /// <param name="owner">The synced mailbox's user (links only what they may see; messages are left unflagged); null for the inbound mailbox.</param>
    /// <param name="since">Messages the server received before this are skipped (a user's chosen start date).</param>
    public async Task<FolderSyncResult> SyncFolderAsync(IMailFolder folder, string mailboxKey, UserAccess? owner, DateOnly? since, CancellationToken cancellationToken)
    {
        await folder.OpenAsync(owner is null ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, cancellationToken);
        var (read, linked) = (0, 0);
        while (true)
        {
            var batch = await SyncBatchAsync(folder, mailboxKey, owner, since, cancellationToken);
            if (batch is null)
            {
                break;
            }

            read += batch.Value.Read;
            linked += batch.Value.Linked;
            if (owner is null && batch.Value.Stored.Count > 0)
            {
                // After the commit: a crash before this leaves the message unflagged but stored; last_uid keeps it from being read again.
                var request = new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { Silent = true };
                if ((folder.PermanentFlags & MessageFlags.UserDefined) != 0)
                {
                    request.Keywords.Add(ProcessedKeyword);
                }

                await folder.StoreAsync(batch.Value.Stored, request, cancellationToken);
            }

            if (!batch.Value.More)
            {
                break;
            }
        }

        return new FolderSyncResult(read, linked);
    }

    private async Task<(int Read, int Linked, List<UniqueId> Stored, bool More)?> SyncBatchAsync(IMailFolder folder, string mailboxKey, UserAccess? owner, DateOnly? since, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var intake = scope.ServiceProvider.GetRequiredService<MailIntake>();
        return await db.InTransactionAsync(ct => SyncBatchInTransactionAsync(db, intake, folder, mailboxKey, owner, since, ct), cancellationToken);
    }

    private async Task<(int Read, int Linked, List<UniqueId> Stored, bool More)?> SyncBatchInTransactionAsync(
        CrmDbContext db, MailIntake intake, IMailFolder folder, string mailboxKey, UserAccess? owner, DateOnly? since, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO mail_folder_states (mailbox_key, folder, uid_validity, last_uid, updated_at)
            VALUES ({mailboxKey}, {folder.FullName}, {(long)folder.UidValidity}, 0, {clock.GetUtcNow()}) ON CONFLICT DO NOTHING
            """, cancellationToken);
        var state = await db.MailFolderStates.FromSql($"""
            SELECT * FROM mail_folder_states WHERE mailbox_key = {mailboxKey} AND folder = {folder.FullName} FOR UPDATE SKIP LOCKED
            """).SingleOrDefaultAsync(cancellationToken);
        if (state is null)
        {
            return null; // another instance is reading this folder right now
        }

        if (state.UidValidity != folder.UidValidity)
        {
            // The server renumbered the folder: read it all again; Message-Id uniqueness keeps what we have from doubling.
            (state.UidValidity, state.LastUid) = (folder.UidValidity, 0);
        }

        var range = new UniqueIdRange(new UniqueId((uint)Math.Min(state.LastUid + 1, uint.MaxValue)), UniqueId.MaxValue);
        // "n:*" returns the newest message even when its UID is below n, hence the filter.
        var summaries = (await folder.FetchAsync(range, MessageSummaryItems.UniqueId | MessageSummaryItems.InternalDate, cancellationToken))
            .Where(s => s.UniqueId.Id > state.LastUid).OrderBy(s => s.UniqueId.Id).ToList();
        var page = summaries.Take(BatchSize).ToList();
        if (page.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        var (read, linked) = (0, 0);
        List<UniqueId> stored = [];
        foreach (var summary in page)
        {
            if (since is { } start && summary.InternalDate is { } arrived && DateOnly.FromDateTime(arrived.UtcDateTime) < start)
            {
                state.LastUid = summary.UniqueId.Id;
                continue;
            }

            byte[] raw;
            using (var stream = await folder.GetStreamAsync(summary.UniqueId, cancellationToken))
            using (var buffer = new MemoryStream())
            {
                await stream.CopyToAsync(buffer, cancellationToken);
                raw = buffer.ToArray();
            }

            var status = await intake.StoreAsync(new MailboxPosition(mailboxKey, folder.FullName, folder.UidValidity, summary.UniqueId.Id), raw, owner, cancellationToken);
            read++;
            if (status == ReceivedMessageStatus.Linked)
            {
                linked++;
            }

            stored.Add(summary.UniqueId);
            state.LastUid = summary.UniqueId.Id;
        }

        state.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return (read, linked, stored, summaries.Count > page.Count);
    }
}
