using DealToLead.Core.Data;
using DealToLead.Infrastructure.Seeding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DealToLead.Infrastructure.Database;

/// <summary>Applies committed migrations and their data steps, then the reference rows every installation needs.</summary>
public sealed class DatabaseMigrator(CrmDbContext db, ReferenceData referenceData, ILogger<DatabaseMigrator> logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {Count} migrations: {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (pending.Contains(Migrations.CleanStoredHtml.Id))
        {
            var cleaned = await StoredHtmlBackfill.RunAsync(db, cancellationToken);
            logger.LogInformation("Sanitized the stored HTML of {Count} notes and emails", cleaned);
        }

        await referenceData.EnsureAsync(cancellationToken);
    }
}
