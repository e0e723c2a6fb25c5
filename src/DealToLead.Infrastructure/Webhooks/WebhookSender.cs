using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DealToLead.Infrastructure.Webhooks;

/// <summary>
/// Sends <see cref="WebhookDelivery"/> rows at most once (docs/decisions/0012): a delivery is claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> and marked <see cref="WebhookDeliveryStatus.Sending"/> in a committed transaction
/// before its request leaves, so no other sender and no restart sends it again. It is retried only when it surely
/// did not arrive (no connection, or the receiver answered non-2xx); a request that may have arrived but got no
/// answer, or whose sender died, ends as <see cref="WebhookDeliveryStatus.OutcomeUnknown"/>.
/// </summary>
public sealed partial class WebhookSender(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IOptionsMonitor<WebhookOptions> options,
    WebhookAddressPolicy addresses,
    IDataProtectionProvider protection,
    IConfiguration configuration,
    ILogger<WebhookSender> logger) : BackgroundService
{
    private const string AbandonedClaim = "The app stopped while this delivery was being sent, so whether it arrived is unknown; it is not sent again, so that it never arrives twice.";
    private DateTimeOffset _nextPurge;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.SenderEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendDueAsync(stoppingToken);
                await PurgeOldAsync(stoppingToken);
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
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(50, options.CurrentValue.PollMilliseconds)), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends every due delivery, several at once; returns how many were delivered.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        await GiveUpAbandonedClaimsAsync(cancellationToken);
        // The other slots start only when there is work, so an idle instance asks one query per poll.
        if (await ClaimNextAsync(cancellationToken) is not { } first)
        {
            return 0;
        }

        var senders = Enumerable.Range(0, Math.Max(1, options.CurrentValue.Concurrency)).Select(slot => SendUntilNoneDueAsync(slot == 0 ? first : null, cancellationToken));
        return (await Task.WhenAll(senders)).Sum();
    }

    private async Task<int> SendUntilNoneDueAsync(Claim? first, CancellationToken cancellationToken)
    {
        var delivered = 0;
        while ((first ?? await ClaimNextAsync(cancellationToken)) is { } claim)
        {
            first = null;
            var outcome = await PostAsync(claim, cancellationToken);
            // Recorded even when the app is stopping: what was sent must not be sent again.
            await RecordAsync(claim, outcome, CancellationToken.None);
            delivered += outcome.Kind == OutcomeKind.Delivered ? 1 : 0;
        }

        return delivered;
    }

    private sealed record Claim(long DeliveryId, int Attempt, WebhookEvent Event, Webhook Webhook);

    private enum OutcomeKind
    {
        Delivered,

        /// <summary>The request surely did not arrive, or the receiver refused it: it may be sent again.</summary>
        Refused,

        /// <summary>It may have arrived: never sent again.</summary>
        Unknown,
    }

    private sealed record Outcome(OutcomeKind Kind, int? HttpStatus, string? Error);

    /// <summary>Claims the next due delivery and commits the claim before anything is sent.</summary>
    private async Task<Claim?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            var pending = WebhookDeliveryStatus.Pending.ToString();
            var sending = WebhookDeliveryStatus.Sending.ToString();
            // A delivery waits while an earlier one about the same record is unfinished, so one record's events arrive in order.
            var claimed = await db.WebhookDeliveries
                .FromSql($"""
                    SELECT d.* FROM webhook_deliveries AS d
                    JOIN webhook_events AS e ON e.id = d.event_id
                    WHERE d.status = {pending} AND d.next_attempt_at <= {now}
                      AND EXISTS (SELECT 1 FROM webhooks AS w WHERE w.id = d.webhook_id AND w.is_active)
                      AND NOT EXISTS (
                          SELECT 1 FROM webhook_deliveries AS earlier
                          JOIN webhook_events AS earlier_event ON earlier_event.id = earlier.event_id
                          WHERE earlier.webhook_id = d.webhook_id AND earlier.id < d.id AND earlier.status IN ({pending}, {sending})
                            AND earlier_event.entity = e.entity AND earlier_event.entity_id = e.entity_id)
                    ORDER BY d.next_attempt_at, d.id
                    LIMIT 1
                    FOR UPDATE OF d SKIP LOCKED
                    """)
                .ToListAsync(ct);
            if (claimed.FirstOrDefault() is not { } delivery)
            {
                return null;
            }

            delivery.Status = WebhookDeliveryStatus.Sending;
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            delivery.ClaimedUntil = now + options.CurrentValue.ClaimLease;
            await db.SaveChangesAsync(ct);
            var recorded = await db.WebhookEvents.AsNoTracking().FirstAsync(e => e.Id == delivery.EventId, ct);
            var webhook = await db.Webhooks.AsNoTracking().FirstAsync(w => w.Id == delivery.WebhookId, ct);
            return new Claim(delivery.Id, delivery.Attempts, recorded, webhook);
        }, cancellationToken);
    }

    private async Task<Outcome> PostAsync(Claim claim, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var content = new TrackedContent(Payload(claim));
        // A handler per request: its connection callback checks the address this request connects to, and a pooled
        // connection could not tell whether this request's body ever left.
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = settings.Timeout,
            ConnectCallback = (context, ct) => addresses.ConnectAsync(context.DnsEndPoint, ct),
        };
        using var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, claim.Webhook.SubscriptionUrl) { Content = content };
        request.Headers.UserAgent.ParseAdd("DealToLead-Webhooks/2.0");
        if (claim.Webhook.HttpAuthUser is not null || claim.Webhook.ProtectedHttpAuthPassword is not null)
        {
            var credentials = $"{claim.Webhook.HttpAuthUser}:{WebhookSubscriptions.PasswordOf(claim.Webhook, protection)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new Outcome(OutcomeKind.Delivered, status, null)
                : new Outcome(OutcomeKind.Refused, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or WebhookAddressRefusedException or IOException)
        {
            var reason = exception switch
            {
                OperationCanceledException when cancellationToken.IsCancellationRequested => "The app stopped during the request.",
                OperationCanceledException => $"No answer within {settings.TimeoutSeconds} s.",
                HttpRequestException { InnerException: WebhookAddressRefusedException refused } => refused.Message,
                _ => exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message,
            };
            return content.SendingStarted
                ? new Outcome(OutcomeKind.Unknown, null, $"{reason} The request may have arrived, so it is not sent again.")
                : new Outcome(OutcomeKind.Refused, null, reason);
        }
    }

    /// <summary>Pipedrive's webhooks v2 body: <c>meta</c>, <c>data</c> (the entity as the API returns it) and <c>previous</c>.</summary>
    private byte[] Payload(Claim claim)
    {
        var recorded = claim.Event;
        var host = Uri.TryCreate(configuration["App:PublicUrl"], UriKind.Absolute, out var publicUrl) ? publicUrl.Authority : "localhost";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("meta");
            json.WriteString("action", recorded.Action);
            json.WriteString("entity", recorded.Entity);
            json.WriteString("entity_id", recorded.EntityId);
            json.WriteString("id", recorded.Id);
            json.WriteString("timestamp", recorded.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            if (recorded.UserId is { } userId)
            {
                json.WriteNumber("user_id", userId);
            }
            else
            {
                json.WriteNull("user_id");
            }

            json.WriteNumber("company_id", CompanySettings.SingletonId);
            json.WriteString("version", WebhookNames.Version);
            json.WriteNumber("webhook_id", claim.Webhook.Id);
            json.WriteNumber("webhook_owner_id", claim.Webhook.OwnerId);
            json.WriteString("correlation_id", recorded.CorrelationId);
            json.WriteString("change_source", recorded.ChangeSource);
            json.WriteBoolean("is_bulk_edit", recorded.IsBulkEdit);
            json.WriteNumber("attempt", claim.Attempt);
            json.WriteString("host", host);
            json.WriteString("type", "general");
            json.WriteEndObject();
            json.WritePropertyName("data");
            json.WriteRawValue(recorded.Data, skipInputValidation: true);
            json.WritePropertyName("previous");
            if (recorded.Previous is { } previous)
            {
                json.WriteRawValue(previous, skipInputValidation: true);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task RecordAsync(Claim claim, Outcome outcome, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await db.InTransactionAsync(async ct =>
        {
            var now = clock.GetUtcNow();
            var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == claim.DeliveryId, ct);
            // Another instance may have given the claim up as abandoned meanwhile; what this sender learnt still holds.
            if (delivery is null || delivery.Attempts != claim.Attempt || delivery.Status is not (WebhookDeliveryStatus.Sending or WebhookDeliveryStatus.OutcomeUnknown))
            {
                return;
            }

            delivery.ClaimedUntil = null;
            delivery.LastHttpStatus = outcome.HttpStatus;
            delivery.LastError = outcome.Error is { Length: > 2000 } tooLong ? tooLong[..2000] : outcome.Error;
            switch (outcome.Kind)
            {
                case OutcomeKind.Delivered:
                    delivery.Status = WebhookDeliveryStatus.Delivered;
                    delivery.DeliveredAt = now;
                    break;
                case OutcomeKind.Refused when delivery.Attempts < settings.MaxAttempts:
                    delivery.Status = WebhookDeliveryStatus.Pending;
                    delivery.NextAttemptAt = now + settings.RetryDelay(delivery.Attempts);
                    break;
                case OutcomeKind.Refused:
                    delivery.Status = WebhookDeliveryStatus.Failed;
                    break;
                default:
                    delivery.Status = WebhookDeliveryStatus.OutcomeUnknown;
                    break;
            }

            // Locked, so that deliveries finishing at once count the webhook's failures one after another.
            var webhook = (await db.Webhooks.FromSql($"SELECT * FROM webhooks WHERE id = {claim.Webhook.Id} FOR UPDATE").ToListAsync(ct)).FirstOrDefault();
            if (webhook is not null)
            {
                webhook.LastDeliveryAt = now;
                webhook.LastHttpStatus = outcome.HttpStatus;
                if (outcome.Kind == OutcomeKind.Delivered)
                {
                    (webhook.ConsecutiveFailures, webhook.FailingSince) = (0, null);
                }
                else
                {
                    webhook.ConsecutiveFailures++;
                    webhook.FailingSince ??= now;
                    if (webhook.IsActive && webhook.ConsecutiveFailures >= settings.PauseAfterFailures
                        && now - webhook.FailingSince >= TimeSpan.FromMinutes(settings.PauseAfterMinutes))
                    {
                        webhook.IsActive = false;
                        webhook.PausedAt = now;
                        var reason = $"Paused after {webhook.ConsecutiveFailures} failed deliveries in a row since {webhook.FailingSince:yyyy-MM-dd HH:mm} UTC; the last: {outcome.Error}";
                        webhook.PausedReason = reason.Length > Webhook.MaxReasonLength ? reason[..Webhook.MaxReasonLength] : reason;
                        LogPaused(webhook.Id, webhook.PausedReason);
                    }
                }
            }

            await db.SaveChangesAsync(ct);
        }, cancellationToken);

        if (outcome.Kind != OutcomeKind.Delivered)
        {
            LogNotDelivered(claim.DeliveryId, claim.Webhook.Id, claim.Attempt, outcome.Error ?? string.Empty);
        }
    }

    /// <summary>A claim past its lease belongs to a sender that died mid-request: its delivery may have arrived, so it is not sent again.</summary>
    private async Task GiveUpAbandonedClaimsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var now = clock.GetUtcNow();
        await db.WebhookDeliveries
            .Where(d => d.Status == WebhookDeliveryStatus.Sending && d.ClaimedUntil < now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.OutcomeUnknown).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null)
                .SetProperty(d => d.LastError, AbandonedClaim), cancellationToken);
    }

    private async Task PurgeOldAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now < _nextPurge)
        {
            return;
        }

        _nextPurge = now.AddHours(1);
        var before = now.AddDays(-Math.Max(1, options.CurrentValue.KeepDays));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await db.WebhookDeliveries
            .Where(d => d.CreatedAt < before && d.Status != WebhookDeliveryStatus.Pending && d.Status != WebhookDeliveryStatus.Sending)
            .ExecuteDeleteAsync(cancellationToken);
        await db.WebhookEvents.Where(e => e.OccurredAt < before && !db.WebhookDeliveries.Any(d => d.EventId == e.Id)).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>A body that records when it starts being written: until then the request surely has not arrived.</summary>
    private sealed class TrackedContent : ByteArrayContent
    {
        private int _sendingStarted;

        public TrackedContent(byte[] body)
            : base(body) => Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        public bool SendingStarted => Volatile.Read(ref _sendingStarted) == 1;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _sendingStarted, 1);
            return base.SerializeToStreamAsync(stream, context, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            Volatile.Write(ref _sendingStarted, 1);
            return base.SerializeToStreamAsync(stream, context);
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            Volatile.Write(ref _sendingStarted, 1);
            base.SerializeToStream(stream, context, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The webhook sender failed; it tries again shortly")]
    private partial void LogSenderFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} of webhook {WebhookId} not delivered (attempt {Attempt}): {Error}")]
    private partial void LogNotDelivered(long deliveryId, int webhookId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {WebhookId} paused: {Reason}")]
    private partial void LogPaused(int webhookId, string reason);
}
