using DealToLead.Core.Data;
using DealToLead.Core.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DealToLead.Infrastructure.Email;

/// <summary>
/// Delivers <see cref="OutboxEmail"/> rows over SMTP. A row stays locked (<c>FOR UPDATE SKIP LOCKED</c>) in a
/// transaction while it is sent, and is marked sent in that transaction only after the SMTP server accepted it;
/// a failure records the error and schedules a retry with exponential backoff (docs/decisions/0003).
/// </summary>
public sealed partial class OutboxEmailSender(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IConfiguration configuration,
    IOptionsMonitor<SmtpOptions> smtpOptions,
    ILogger<OutboxEmailSender> logger) : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Email:OutboxSenderEnabled", true))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSenderFailed(exception);
            }

            try
            {
                await Task.Delay(PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends every email that is due, one at a time; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var delivered = 0;
        var attempted = new HashSet<Guid>();
        while (await SendNextAsync(attempted, cancellationToken) is { } sent)
        {
            delivered += sent ? 1 : 0;
        }

        return delivered;
    }

    /// <summary>Null when nothing is due; otherwise whether the claimed email was delivered.</summary>
    private async Task<bool?> SendNextAsync(HashSet<Guid> attempted, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.InTransactionAsync(async _ =>
        {
            var now = clock.GetUtcNow();
            var claimed = await db.OutboxEmails
                .FromSql($"""
                    SELECT * FROM outbox_emails
                    WHERE sent_at IS NULL AND next_attempt_at <= {now}
                    ORDER BY next_attempt_at
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(cancellationToken);
            var email = claimed.FirstOrDefault();
            if (email is null || !attempted.Add(email.Id))
            {
                // Each call tries an email at most once, so a failing email cannot keep the loop busy.
                return (bool?)null;
            }

            email.Attempts++;
            try
            {
                await DeliverAsync(email, cancellationToken);
                email.SentAt = clock.GetUtcNow();
                email.LastError = null;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var delay = RetryDelay(email.Attempts, ConfiguredDelay("Email:FirstRetrySeconds", FirstRetryDelay), ConfiguredDelay("Email:MaxRetrySeconds", MaxRetryDelay));
                email.NextAttemptAt = clock.GetUtcNow() + delay;
                email.LastError = Truncate($"{exception.GetType().Name}: {exception.Message}", 2000);
                LogDeliveryFailed(email.Id, email.Attempts, delay, exception.Message);
            }

            await db.SaveChangesAsync(cancellationToken);
            return email.SentAt is not null;
        }, cancellationToken);
    }

    public static TimeSpan RetryDelay(int attempts) => RetryDelay(attempts, FirstRetryDelay, MaxRetryDelay);

    public static TimeSpan RetryDelay(int attempts, TimeSpan firstDelay, TimeSpan maxDelay)
    {
        var seconds = firstDelay.TotalSeconds * Math.Pow(2, Math.Max(0, attempts - 1));
        return seconds >= maxDelay.TotalSeconds ? maxDelay : TimeSpan.FromSeconds(seconds);
    }

    private TimeSpan ConfiguredDelay(string key, TimeSpan fallback) =>
        TimeSpan.FromSeconds(configuration.GetValue(key, fallback.TotalSeconds));

    /// <summary>The Message-Id is derived from the outbox id, so should a crash ever resend an email, the copies are recognisably one message.</summary>
    public static string MessageIdFor(Guid outboxId, MailboxAddress from) =>
        $"{outboxId:N}@{(from.Domain is { Length: > 0 } domain ? domain : "dealtolead.local")}";

    private async Task DeliverAsync(OutboxEmail email, CancellationToken cancellationToken)
    {
        var options = smtpOptions.CurrentValue;
        var from = MailboxAddress.Parse(options.From);
        var message = new MimeMessage
        {
            MessageId = MessageIdFor(email.Id, from),
            Subject = email.Subject,
            Date = email.CreatedAt,
            Body = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(email.To));

        using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        var security = options.Security switch
        {
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.None,
        };
        await client.ConnectAsync(options.Host, options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? string.Empty, cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox sender failed; it tries again shortly")]
    private partial void LogSenderFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {OutboxId} not delivered (attempt {Attempts}); next try in {Delay}: {Error}")]
    private partial void LogDeliveryFailed(Guid outboxId, int attempts, TimeSpan delay, string error);
}
