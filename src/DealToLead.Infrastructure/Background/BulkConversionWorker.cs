using DealToLead.Core.Conversions;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DealToLead.Infrastructure.Background;

/// <summary>
/// Runs bulk conversion jobs. Jobs are rows in PostgreSQL claimed with a lease (<c>FOR UPDATE SKIP LOCKED</c>),
/// so two instances never work on one job, and a crashed instance's job is picked up again once its lease
/// expires. Each deal goes through <see cref="DealConversionService"/> with the item's pre-assigned conversion
/// id, which makes a resumed job skip deals that were already converted.
/// </summary>
public sealed partial class BulkConversionWorker(
    IServiceScopeFactory scopes,
    TimeProvider clock,
    IConfiguration configuration,
    BulkConversionSignal signal,
    ILogger<BulkConversionWorker> logger) : BackgroundService
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim holds without renewal: how soon a crashed instance's job is resumed (<c>BulkConversion:LeaseSeconds</c>).</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(configuration.GetValue("BulkConversion:LeaseSeconds", LeaseDuration.TotalSeconds));

    public string InstanceId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("BulkConversion:WorkerEnabled", true))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ProcessOneJobAsync(InstanceId, stoppingToken))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The job keeps its lease until it expires, then this or another instance resumes it.
                LogJobFailed(exception);
            }

            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Claims one job that is queued or whose lease has expired and works it to completion. False when there was none.</summary>
    public async Task<bool> ProcessOneJobAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (await ClaimAsync(instanceId, cancellationToken) is not { } jobId)
        {
            return false;
        }

        await RunClaimedJobAsync(jobId, instanceId, maxItems: null, cancellationToken);
        return true;
    }

    /// <summary>
    /// Claims one job and converts at most <paramref name="maxItems"/> of its pending deals, leaving the lease in
    /// place, as an instance that crashes midway would. Lets tests interrupt a job deterministically.
    /// </summary>
    public async Task<Guid?> ProcessPartOfOneJobAsync(string instanceId, int maxItems, CancellationToken cancellationToken = default)
    {
        if (await ClaimAsync(instanceId, cancellationToken) is not { } jobId)
        {
            return null;
        }

        await RunClaimedJobAsync(jobId, instanceId, maxItems, cancellationToken);
        return jobId;
    }

    private async Task<Guid?> ClaimAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var now = clock.GetUtcNow();
        // One statement, so the claim is atomic: SKIP LOCKED lets a concurrent claimer pass over the row this
        // one is taking, and the lease it sets keeps everyone else away until it expires.
        var claimed = await db.Database.SqlQuery<Guid>($"""
            UPDATE bulk_conversion_jobs
            SET status = 'Running', leased_by = {instanceId}, leased_until = {now + Lease}
            WHERE id = (
                SELECT id FROM bulk_conversion_jobs
                WHERE status <> 'Completed' AND (leased_until IS NULL OR leased_until < {now})
                ORDER BY created_at
                LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(cancellationToken);
        return claimed.Count == 0 ? null : claimed[0];
    }

    private async Task<bool> RunClaimedJobAsync(Guid jobId, string instanceId, int? maxItems, CancellationToken cancellationToken)
    {
        BulkConversionJob job;
        List<BulkConversionJobItem> pending;
        UserAccess? actor;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            job = await db.BulkConversionJobs.AsNoTracking().SingleAsync(j => j.Id == jobId, cancellationToken);
            pending = await db.BulkConversionJobItems.AsNoTracking()
                .Where(i => i.JobId == jobId && i.Outcome == BulkItemOutcome.Pending)
                .OrderBy(i => i.Position)
                .ToListAsync(cancellationToken);
            actor = await UserAccess.LoadAsync(db, job.RequestedById, cancellationToken);
        }

        var done = 0;
        var renewedAt = DateTimeOffset.MinValue;
        foreach (var item in pending)
        {
            if (maxItems is { } max && done >= max)
            {
                return false;
            }

            // Renewing is a durable commit; a third of the lease is plenty of margin, and each item's outcome
            // update below already checks that the lease is still ours.
            if (clock.GetUtcNow() - renewedAt > Lease / 3)
            {
                if (!await RenewLeaseAsync(jobId, instanceId, cancellationToken))
                {
                    LogLeaseLost(jobId, instanceId);
                    return false;
                }

                renewedAt = clock.GetUtcNow();
            }

            if (!await ConvertItemAsync(actor, item, instanceId, cancellationToken))
            {
                LogLeaseLost(jobId, instanceId);
                return false;
            }

            done++;
        }

        if (!await RenewLeaseAsync(jobId, instanceId, cancellationToken))
        {
            LogLeaseLost(jobId, instanceId);
            return false;
        }

        await CompleteAsync(job, instanceId, cancellationToken);
        return true;
    }

    /// <summary>Converts one deal and records its outcome; false when the job's lease is no longer ours.</summary>
    private async Task<bool> ConvertItemAsync(UserAccess? actor, BulkConversionJobItem item, string instanceId, CancellationToken cancellationToken)
    {
        BulkItemOutcome outcome;
        Guid? leadId = null;
        string? reason = null;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var conversions = scope.ServiceProvider.GetRequiredService<DealConversionService>();
            if (actor is not { IsActive: true })
            {
                (outcome, reason) = (BulkItemOutcome.Rejected, "The user who started the conversion is no longer active.");
            }
            else
            {
                try
                {
                    var result = await conversions.ConvertDealToLeadAsync(actor, item.DealId, item.ConversionId, cancellationToken);
                    (outcome, leadId, reason) = result switch
                    {
                        null => (BulkItemOutcome.Rejected, (Guid?)null, "The deal no longer exists or you can no longer see it."),
                        { Status: ConversionStatus.Completed } => (BulkItemOutcome.Converted, result.LeadId, null),
                        { Status: ConversionStatus.Rejected } => (BulkItemOutcome.Rejected, null, result.Reason),
                        _ => (BulkItemOutcome.Failed, null, result.Reason ?? $"The conversion ended as {result.Status}."),
                    };
                }
                catch (Exception exception) when (exception is not OperationCanceledException && !IsDatabaseOutage(exception))
                {
                    // A bug or bad data in one deal must not stop the other deals; an outage, though, propagates so
                    // the job is resumed later rather than marking every remaining deal as failed.
                    LogItemFailed(exception, item.DealId);
                    (outcome, reason) = (BulkItemOutcome.Failed, "An unexpected error stopped this conversion.");
                }
            }
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // The conversion itself committed durably; its outcome can always be read again by the item's
                // conversion id, so recording it need not wait for a WAL flush.
                await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", cancellationToken);
                await db.BulkConversionJobItems
                    .Where(i => i.Id == item.Id)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(i => i.Outcome, outcome)
                        .SetProperty(i => i.LeadId, leadId)
                        .SetProperty(i => i.Reason, reason == null ? null : reason.Length > 500 ? reason.Substring(0, 500) : reason), cancellationToken);
                var stillOurs = await db.BulkConversionJobs
                    .Where(j => j.Id == item.JobId && j.LeasedBy == instanceId && j.Status == BulkJobStatus.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.Processed, j => j.Processed + 1), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return stillOurs == 1;
            });
        }
    }

    /// <summary>Extends the lease and refreshes the progress count; false when another instance has taken the job over.</summary>
    private async Task<bool> RenewLeaseAsync(Guid jobId, string instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var leasedUntil = clock.GetUtcNow() + Lease;
        var updated = await db.BulkConversionJobs
            .Where(j => j.Id == jobId && j.LeasedBy == instanceId && j.Status == BulkJobStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LeasedUntil, leasedUntil)
                .SetProperty(j => j.Processed, j => db.BulkConversionJobItems.Count(i => i.JobId == j.Id && i.Outcome != BulkItemOutcome.Pending)), cancellationToken);
        return updated == 1;
    }

    /// <summary>Marks the job completed and writes the confirmation email in one transaction: both happen, or neither.</summary>
    private async Task CompleteAsync(BulkConversionJob job, string instanceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var publicUrl = configuration["App:PublicUrl"] ?? "http://localhost";
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = clock.GetUtcNow();
            var completed = await db.BulkConversionJobs
                .Where(j => j.Id == job.Id && j.LeasedBy == instanceId && j.Status == BulkJobStatus.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, BulkJobStatus.Completed)
                    .SetProperty(j => j.CompletedAt, now)
                    .SetProperty(j => j.LeasedUntil, (DateTimeOffset?)null)
                    .SetProperty(j => j.Processed, j => db.BulkConversionJobItems.Count(i => i.JobId == j.Id && i.Outcome != BulkItemOutcome.Pending)), cancellationToken);
            if (completed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return;
            }

            var items = await db.BulkConversionJobItems.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Position).ToListAsync(cancellationToken);
            var recipient = await db.Users.AsNoTracking().Where(u => u.Id == job.RequestedById).Select(u => new { u.Email, u.DisplayName }).SingleAsync(cancellationToken);
            if (!string.IsNullOrEmpty(recipient.Email))
            {
                db.OutboxEmails.Add(BulkConversionEmail.Compose(job, items, recipient.Email, recipient.DisplayName, publicUrl, now));
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        });
        LogJobCompleted(job.Id, job.Total);
    }

    private static bool IsDatabaseOutage(Exception exception) =>
        exception is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException or Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException
        || exception.InnerException is Npgsql.NpgsqlException { IsTransient: true } or TimeoutException;

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk conversion job processing failed; it resumes when its lease expires")]
    private partial void LogJobFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Converting deal {DealId} in a bulk job failed")]
    private partial void LogItemFailed(Exception exception, int dealId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk conversion job {JobId}: instance {InstanceId} lost its lease; another instance continues")]
    private partial void LogLeaseLost(Guid jobId, string instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulk conversion job {JobId} completed ({Total} deals)")]
    private partial void LogJobCompleted(Guid jobId, int total);
}
