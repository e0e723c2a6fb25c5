using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DealToLead.Infrastructure.Background;

/// <summary>
/// Hard-deletes deals whose 30-day restore window has passed. Hourly is plenty: a deal purged an hour late
/// harms no one, and one set-based DELETE is safe to run from several app instances at once.
/// </summary>
public sealed class DeletedDealPurger(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeletedDealPurger> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public static async Task<int> PurgeAsync(CrmDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var cutoff = clock.GetUtcNow() - Deal.RestoreWindow;
        // Activities, notes, emails, invoices and history go with the deal (ON DELETE CASCADE).
        return await db.Deals.IgnoreQueryFilters()
            .Where(d => d.DeletedAt != null && d.DeletedAt <= cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var purged = await PurgeAsync(scope.ServiceProvider.GetRequiredService<CrmDbContext>(), clock, stoppingToken);
                if (purged > 0)
                {
                    logger.LogInformation("Purged {Count} deals deleted more than {Days} days ago", purged, Deal.RestoreWindow.TotalDays);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Purging deleted deals failed; trying again in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
