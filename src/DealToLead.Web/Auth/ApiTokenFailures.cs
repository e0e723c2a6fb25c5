using System.Threading.RateLimiting;

namespace DealToLead.Web.Auth;

/// <summary>
/// Failed API token attempts per client address (default 20 a minute, <c>RateLimiting:FailedApiTokensPerMinute</c>).
/// Past the limit an address gets 429 for any token until the window ends, without a database lookup, so guessing
/// tokens is slow and costs the database nothing.
/// </summary>
public sealed class ApiTokenFailures(IConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, configuration.GetValue("RateLimiting:FailedApiTokensPerMinute", 20)),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public bool IsBlocked(string address) => _limiter.GetStatistics(address)?.CurrentAvailablePermits == 0;

    public void Record(string address)
    {
        using var lease = _limiter.AttemptAcquire(address);
    }

    public void Dispose() => _limiter.Dispose();
}
