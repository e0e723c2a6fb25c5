namespace DealToLead.Infrastructure.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Whether subscription URLs may point at loopback, private (RFC 1918, unique-local) and link-local addresses. Off
    /// except in Development, so that a webhook cannot be aimed at the app's own network.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Whether this instance sends deliveries (every instance may; they never send one twice).</summary>
    public bool SenderEnabled { get; set; } = true;

    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How long one request may take, connecting included.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long after a request's timeout a claim counts as abandoned (its sender died): the delivery is then marked
    /// outcome unknown and not sent again.
    /// </summary>
    public int ClaimGraceSeconds { get; set; } = 30;

    /// <summary>How many deliveries an instance sends at once.</summary>
    public int Concurrency { get; set; } = 4;

    public int FirstRetrySeconds { get; set; } = 10;

    public int MaxRetrySeconds { get; set; } = 300;

    /// <summary>Attempts per delivery before it is given up (only attempts that surely did not arrive are retried).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>A webhook is paused after this many failed attempts in a row …</summary>
    public int PauseAfterFailures { get; set; } = 20;

    /// <summary>… when they span at least this many minutes, so a short outage does not pause it.</summary>
    public int PauseAfterMinutes { get; set; } = 30;

    /// <summary>Finished deliveries and their events are kept this many days for the Settings page.</summary>
    public int KeepDays { get; set; } = 30;

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, TimeoutSeconds));

    public TimeSpan ClaimLease => Timeout + TimeSpan.FromSeconds(Math.Max(0, ClaimGraceSeconds));

    public TimeSpan RetryDelay(int attempts)
    {
        var seconds = Math.Max(0, FirstRetrySeconds) * Math.Pow(2, Math.Max(0, attempts - 1));
        return TimeSpan.FromSeconds(Math.Min(seconds, Math.Max(FirstRetrySeconds, MaxRetrySeconds)));
    }
}
