using DealToLead.Core.Mail;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DealToLead.Infrastructure.Mail;

/// <summary>The company's inbound mailbox (Smart Bcc): <c>Mail__Inbound__*</c>. Without a host the reader stays off.</summary>
public sealed class InboundMailOptions
{
    public const string Section = "Mail:Inbound";

    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    public MailSecurity Security { get; set; } = MailSecurity.Tls;
    public string User { get; set; } = "dealtolead";
    public string Password { get; set; } = string.Empty;
    public string Folder { get; set; } = "INBOX";

    /// <summary>How often to look for new mail when the server has no IDLE, and the longest an IDLE lasts before it is renewed.</summary>
    public int PollSeconds { get; set; } = 5;

    public ImapAccount Account => new(Host!, Port, Security, User, Password);
}

/// <summary>
/// Reads the inbound mailbox: IDLE when the server has it (a new message wakes the reader at once), polling otherwise;
/// an unreachable server is retried with backoff (5 s doubling to 5 min) and nothing is lost, the messages wait on the server.
/// </summary>
public sealed class InboundMailWorker(ImapMailboxReader reader, IOptions<InboundMailOptions> options, TimeProvider clock, ILogger<InboundMailWorker> logger) : BackgroundService
{
    public string? LastError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            return;
        }

        var backoff = TimeSpan.FromSeconds(5);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var client = await ImapMailboxReader.ConnectAsync(settings.Account, stoppingToken);
                var folder = settings.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(settings.Folder, stoppingToken);
                LastError = null;
                backoff = TimeSpan.FromSeconds(5);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var result = await reader.SyncFolderAsync(folder, MailboxKeys.Inbound, owner: null, since: null, stoppingToken);
                    if (result.Read > 0)
                    {
                        logger.LogInformation("Inbound mailbox: read {Read} messages, {Linked} linked", result.Read, result.Linked);
                    }

                    await WaitForMailAsync(client, folder, TimeSpan.FromSeconds(Math.Max(1, settings.PollSeconds)), stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LastError = e.Message;
                logger.LogWarning("Inbound mailbox {Host}:{Port} failed ({Error}); trying again in {Delay}", settings.Host, settings.Port, e.Message, backoff);
                await Task.Delay(backoff, clock, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            }
        }
    }

    private async Task WaitForMailAsync(ImapClient client, IMailFolder folder, TimeSpan poll, CancellationToken stoppingToken)
    {
        if ((client.Capabilities & ImapCapabilities.Idle) == 0)
        {
            await Task.Delay(poll, clock, stoppingToken);
            return;
        }

        // IDLE is renewed every poll interval too, so a server that does not announce new mail promptly is still read.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        done.CancelAfter(poll * 12);
        void OnCountChanged(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += OnCountChanged;
        try
        {
            await client.IdleAsync(done.Token, stoppingToken);
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }
}
