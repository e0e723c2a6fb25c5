using System.Globalization;
using DealToLead.Core.Data;
using DealToLead.Infrastructure.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DealToLead.Web;

/// <summary>
/// The request's context for reads that tolerate a replica (the inbox, the deal list, the board, the contact lists, the
/// API's lists): the replica when one is configured, up, and has replayed this user's last write, else the request's
/// primary context (docs/decisions/0020). Page models call <see cref="ContextAsync"/> where they read and keep the
/// primary <see cref="CrmDbContext"/> for everything else.
/// </summary>
public sealed class ReadContext(CrmDbContext primary, ReadReplica replica, IHttpContextAccessor http) : IAsyncDisposable
{
    private CrmDbContext? _replica;

    /// <summary>True once a read of this request went to the replica.</summary>
    public bool UsedReplica => _replica is not null;

    /// <summary>Set when the replica failed during this request, which is then run again on the primary.</summary>
    public bool PrimaryOnly { get; set; }

    public async ValueTask<CrmDbContext> ContextAsync(CancellationToken cancellationToken)
    {
        if (_replica is not null)
        {
            return _replica;
        }

        if (PrimaryOnly || !replica.Configured)
        {
            return primary;
        }

        _replica = await replica.TryCreateContextAsync(ReadYourWrites.WrittenAt(http.HttpContext), cancellationToken);
        if (http.HttpContext is { Response.HasStarted: false } context)
        {
            // Which server answered, for the soak and for whoever debugs a stale page.
            context.Response.Headers[ReadYourWrites.ReadsHeader] = _replica is null ? "primary" : "replica";
        }

        return _replica ?? primary;
    }

    /// <summary>Drops the replica context, so the rest of the request reads from the primary.</summary>
    public async ValueTask UsePrimaryAsync()
    {
        PrimaryOnly = true;
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_replica is not null)
        {
            await _replica.DisposeAsync();
            _replica = null;
        }
    }
}

/// <summary>
/// Read your own writes (docs/decisions/0020): after a request that may have written, the primary's WAL position goes
/// into a cookie, and a later request reads from the replica only once it has replayed that far. A read that fails on
/// the replica (it stopped, restarts, cancelled the query for recovery) is run again on the primary before anything
/// was sent, so a replica outage fails no request.
/// </summary>
public sealed class ReadYourWrites(RequestDelegate next, ReadReplica replica, ILogger<ReadYourWrites> logger)
{
    public const string CookieName = "dealtolead.lsn";
    public const string ReadsHeader = "X-DealToLead-Reads";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!replica.Configured)
        {
            await next(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            // Headers go out after the handler's transaction committed (a redirect, or the API's answer), so the position
            // read here is at or past the end of whatever this request wrote.
            context.Response.OnStarting(() => RememberAsync(context));
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception e) when (ReadReplica.IsUnavailable(e) && !context.Response.HasStarted
                                  && context.RequestServices.GetRequiredService<ReadContext>() is { UsedReplica: true } reads)
        {
            logger.LogWarning(e, "A read on the replica failed; {Path} is read from the primary", context.Request.Path);
            replica.MarkDown();
            await reads.UsePrimaryAsync();
            context.Response.Clear();
            context.Response.Headers[ReadsHeader] = "primary";
            await next(context);
        }
    }

    /// <summary>Sets the cookie to the primary's position now: for pages that show work done outside the request (a finished bulk job).</summary>
    public static async Task RememberAsync(HttpContext context)
    {
        var replica = context.RequestServices.GetRequiredService<ReadReplica>();
        if (!replica.Configured || context.Response.StatusCode >= 500 || context.Response.HasStarted)
        {
            return;
        }

        ulong position;
        try
        {
            position = await replica.PrimaryPositionAsync(context.RequestAborted);
        }
        catch (Exception e) when (ReadReplica.IsUnavailable(e))
        {
            // The write committed but its position cannot be read (the primary or PgBouncer just went away): this
            // client reads from the primary until its next write sets a real position.
            position = ulong.MaxValue;
        }

        context.Response.Cookies.Append(CookieName, position.ToString(CultureInfo.InvariantCulture), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
        });
    }

    /// <summary>The position of this client's last write, 0 when it has none (or the cookie is not ours).</summary>
    public static ulong WrittenAt(HttpContext? context) =>
        context?.Request.Cookies[CookieName] is { } value && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : 0;
}

/// <summary>/healthz: the replica's lag, Degraded (still 200, so the load balancer keeps the instance) when it is down.</summary>
public sealed class ReplicaHealthCheck(ReadReplica replica) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!replica.Configured)
        {
            return HealthCheckResult.Healthy("no replica configured");
        }

        var lag = await replica.LagAsync(cancellationToken);
        if (lag is not { } value)
        {
            return HealthCheckResult.Degraded("replica unreachable: reads go to the primary");
        }

        return HealthCheckResult.Healthy("replica", new Dictionary<string, object>
        {
            ["lag_bytes"] = value.Bytes,
            ["lag_seconds"] = value.Seconds ?? 0,
        });
    }
}
