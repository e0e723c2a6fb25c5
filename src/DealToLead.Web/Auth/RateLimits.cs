using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using DealToLead.Web.Api;
using Microsoft.AspNetCore.RateLimiting;

namespace DealToLead.Web.Auth;

/// <summary>
/// Sign-in attempts are limited per client address (slows password guessing beyond the per-account lockout);
/// the API is limited per user, as Pipedrive limits per token. Both answer 429 with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string Api = "api";

    public static IServiceCollection AddDealToLeadRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            var signInPerMinute = configuration.GetValue("RateLimiting:SignInPerMinute", 20);
            var apiPerMinute = configuration.GetValue("RateLimiting:ApiPerMinute", 1200);
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = signInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("show-login-form"));
            options.AddPolicy(Api, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.Connection.RemoteIpAddress?.ToString() ?? "anonymous",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = apiPerMinute,
                    TokensPerPeriod = Math.Max(1, apiPerMinute / 6),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 0,
                }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                if (WebSetup.IsApiRequest(context.HttpContext.Request))
                {
                    await ApiResults.Error(StatusCodes.Status429TooManyRequests, $"Too many requests. Try again in {retryAfter} seconds.").ExecuteAsync(context.HttpContext);
                    return;
                }

                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync($"Too many sign-in attempts. Try again in {retryAfter} seconds.", cancellationToken);
            };
        });
        services.AddRateLimiter(_ => { });
        return services;
    }
}
