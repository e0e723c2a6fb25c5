namespace DealToLead.Core.Webhooks;

/// <summary>
/// A subscription, as Pipedrive has them: every <see cref="EventAction"/> on every <see cref="EventObject"/> is POSTed
/// to <see cref="SubscriptionUrl"/> in Pipedrive's v2 payload. A webhook that keeps failing is paused
/// (<see cref="IsActive"/> false, with <see cref="PausedReason"/>) until an admin resumes it.
/// </summary>
public class Webhook
{
    public const int MaxUrlLength = 2000;
    public const int MaxNameLength = 255;
    public const int MaxAuthUserLength = 255;
    public const int MaxAuthPasswordLength = 255;
    public const int MaxReasonLength = 1000;

    public int Id { get; set; }
    public required string Name { get; set; }
    public required string SubscriptionUrl { get; set; }

    /// <summary><c>create</c>, <c>change</c>, <c>delete</c> or <c>*</c>.</summary>
    public required string EventAction { get; set; }

    /// <summary><c>deal</c>, <c>lead</c>, <c>person</c>, <c>organization</c>, <c>activity</c>, <c>note</c> or <c>*</c>.</summary>
    public required string EventObject { get; set; }

    public string Version { get; set; } = WebhookNames.Version;

    /// <summary>The user the webhook is authorized with (Pipedrive's <c>user_id</c>).</summary>
    public int UserId { get; set; }

    /// <summary>Who created it (Pipedrive's <c>owner_id</c>).</summary>
    public int OwnerId { get; set; }

    public string? HttpAuthUser { get; set; }

    /// <summary>The basic-auth password, encrypted with ASP.NET Core data protection; never shown again.</summary>
    public string? ProtectedHttpAuthPassword { get; set; }

    public bool IsActive { get; set; } = true;
    public string? PausedReason { get; set; }
    public DateTimeOffset? PausedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastDeliveryAt { get; set; }
    public int? LastHttpStatus { get; set; }

    /// <summary>Failed attempts in a row across all its deliveries; a success resets it.</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTimeOffset? FailingSince { get; set; }

    public bool Matches(string action, string entity) =>
        (EventAction == WebhookNames.Any || EventAction == action) && (EventObject == WebhookNames.Any || EventObject == entity);
}

/// <summary>
/// One change, as Pipedrive's v2 payload describes it (<c>meta</c>, <c>data</c>, <c>previous</c>). Written in the
/// transaction of the change, with one <see cref="WebhookDelivery"/> per webhook that listens to it.
/// </summary>
public class WebhookEvent
{
    public Guid Id { get; set; }
    public required string Action { get; set; }
    public required string Entity { get; set; }
    public required string EntityId { get; set; }
    public int? UserId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid CorrelationId { get; set; }
    public required string ChangeSource { get; set; }
    public bool IsBulkEdit { get; set; }

    /// <summary>The entity as the API returns it (JSON).</summary>
    public required string Data { get; set; }

    /// <summary>For a change, the previous values of the fields that changed (JSON); otherwise null.</summary>
    public string? Previous { get; set; }
}

public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its first attempt or for a retry.</summary>
    Pending,

    /// <summary>Claimed by a sender, which is sending it now (until <see cref="WebhookDelivery.ClaimedUntil"/>).</summary>
    Sending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt was refused (no connection, or a non-2xx answer); not sent again.</summary>
    Failed,

    /// <summary>
    /// The request may have reached the receiver but no answer came (a timeout, a dropped connection, or the app
    /// stopped mid-request). Not sent again, so that no event arrives twice (docs/decisions/0012).
    /// </summary>
    OutcomeUnknown,
}

/// <summary>One event for one webhook: the unit the sender claims, sends at most once, and retries only when it surely did not arrive.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }

    // No foreign key to webhooks: deleting a webhook must never wait for, or fail, a change that is recording an event.
    public int WebhookId { get; set; }
    public Guid EventId { get; set; }
    public WebhookEvent? Event { get; set; }
    public WebhookDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastHttpStatus { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}
