using DealToLead.Core.Data;
using DealToLead.Core.Mail;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DealToLead.Infrastructure.Mail;

/// <summary>Syncs users' own mailboxes (Settings &gt; Email sync): INBOX and Sent, incrementally, with the same reader as the inbound mailbox.</summary>
public sealed class MailboxSync(IServiceScopeFactory scopes, ImapMailboxReader reader, IDataProtectionProvider protection, TimeProvider clock, ILogger<MailboxSync> logger)
{
    public async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        List<int> userIds;
        await using (var scope = scopes.CreateAsyncScope())
        {
            userIds = await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailboxConnections.Select(c => c.UserId).ToListAsync(cancellationToken);
        }

        foreach (var userId in userIds)
        {
            await SyncUserAsync(userId, cancellationToken);
        }
    }

    /// <summary>Reads what is new; a failure is recorded on the connection for the settings page and tried again on the next round.</summary>
    public async Task SyncUserAsync(int userId, CancellationToken cancellationToken)
    {
        MailboxConnection? connection;
        UserAccess? owner;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            connection = await db.MailboxConnections.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId, cancellationToken);
            owner = await UserAccess.LoadAsync(db, userId, cancellationToken);
        }

        if (connection is null || owner is null || !owner.IsActive)
        {
            return;
        }

        try
        {
            var password = protection.CreateProtector(MailboxSyncSettings.ProtectorPurpose).Unprotect(connection.ProtectedPassword);
            using var client = await ImapMailboxReader.ConnectAsync(new ImapAccount(connection.Host, connection.Port, connection.Security, connection.UserName, password), cancellationToken);
            var key = MailboxKeys.User(userId);
            var inbox = await reader.SyncFolderAsync(client.Inbox, key, owner, connection.StartDate, cancellationToken);
            var sent = await ImapMailboxReader.SentFolderAsync(client, cancellationToken) is { } sentFolder
                ? await reader.SyncFolderAsync(sentFolder, key, owner, connection.StartDate, cancellationToken)
                : new FolderSyncResult(0, 0);
            await client.DisconnectAsync(true, cancellationToken);
            await RecordAsync(userId, c => c
                .SetProperty(x => x.LastSyncAt, clock.GetUtcNow())
                .SetProperty(x => x.LastError, (string?)null)
                .SetProperty(x => x.MessagesRead, x => x.MessagesRead + inbox.Read + sent.Read)
                .SetProperty(x => x.MessagesLinked, x => x.MessagesLinked + inbox.Linked + sent.Linked), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Email sync for user {UserId} failed: {Error}", userId, e.Message);
            var error = e.Message.Length > 900 ? e.Message[..900] : e.Message;
            await RecordAsync(userId, c => c.SetProperty(x => x.LastError, error).SetProperty(x => x.LastErrorAt, clock.GetUtcNow()), CancellationToken.None);
        }
    }

    private async Task RecordAsync(int userId, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<MailboxConnection>> set, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CrmDbContext>().MailboxConnections.Where(c => c.UserId == userId).ExecuteUpdateAsync(set, cancellationToken);
    }
}

/// <summary>Runs <see cref="MailboxSync"/> every minute, and at once when a user presses Sync now or connects.</summary>
public sealed class MailboxSyncWorker(MailboxSync sync, ILogger<MailboxSyncWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _wake = new(0);

    public void SyncSoon() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await sync.SyncAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Email sync round failed");
            }

            await _wake.WaitAsync(Interval, stoppingToken);
        }
    }
}
