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
/// expires. Deals go through <see cref="DealConversionService"/> in chunks, each with the item's pre-assigned
/// conversion id, which makes a resumed job skip deals that were already converted.
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

    /// <summary>Deals converted together: one statement and one commit for the whole chunk (ADR 0005).</summary>
    public const int ChunkSize = 100;

    /// <summary>
    /// Chunks converted at once, each on its own connection (<c>BulkConversion:ChunksInFlight</c>): one chunk's
    /// statement runs in one PostgreSQL backend, on one core, while the app waits (docs/decisions/0025). Chunks hold
    /// different deals, so they never wait for each other's rows.
    /// </summary>
    public int ChunksInFlight => Math.Max(1, configuration.GetValue("BulkConversion:ChunksInFlight", 2));

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

        var inFlight = new List<Task<bool>>(ChunksInFlight);
        try
        {
            var done = 0;
            var renewedAt = DateTimeOffset.MinValue;
            foreach (var chunk in pending.Chunk(ChunkSize))
            {
                var items = maxItems is { } max ? chunk.Take(max - done).ToArray() : chunk;
                if (items.Length == 0)
                {
                    return false;
                }

                // Renewing is a durable commit; a third of the lease is plenty of margin, and each chunk's outcome
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

                inFlight.Add(ConvertChunkAsync(actor, items, instanceId, cancellationToken));
                done += items.Length;
                if (inFlight.Count == ChunksInFlight && !await OneFinishedAsync(inFlight))
                {
                    LogLeaseLost(jobId, instanceId);
                    return false;
                }

                if (items.Length < chunk.Length)
                {
                    return false;
                }
            }

            while (inFlight.Count > 0)
            {
                if (!await OneFinishedAsync(inFlight))
                {
                    LogLeaseLost(jobId, instanceId);
                    return false;
                }
            }
        }
        finally
        {
            // A job that stops early (its lease lost, a chunk failed) lets the chunks already sent finish first.
            await ((Task)Task.WhenAll(inFlight)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (!await RenewLeaseAsync(jobId, instanceId, cancellationToken))
        {
            LogLeaseLost(jobId, instanceId);
            return false;
        }

        await CompleteAsync(job, instanceId, cancellationToken);
        return true;
    }

    private static async Task<bool> OneFinishedAsync(List<Task<bool>> inFlight)
    {
        var finished = await Task.WhenAny(inFlight);
        inFlight.Remove(finished);
        return await finished;
    }

    /// <summary>Converts a chunk of deals and records their outcomes; false when the job's lease is no longer ours.</summary>
    private async Task<bool> ConvertChunkAsync(UserAccess? actor, BulkConversionJobItem[] items, string instanceId, CancellationToken cancellationToken)
    {
        var outcomes = actor is { IsActive: true }
            ? await ConvertAsync(actor, items, cancellationToken)
            : items.Select(_ => (BulkItemOutcome.Rejected, (Guid?)null, (string?)"The user who started the conversion is no longer active.")).ToArray();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        return await db.InTransactionAsync(async _ =>
        {
            // The conversions themselves committed durably; their outcomes can always be read again by the items'
            // conversion ids, so recording them need not wait for a WAL flush.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit TO OFF", cancellationToken);
            var stillOurs = await db.BulkConversionJobs
                .Where(j => j.Id == items[0].JobId && j.LeasedBy == instanceId && j.Status == BulkJobStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Processed, j => j.Processed + items.Length), cancellationToken);
            if (stillOurs == 0)
            {
                await db.AbandonTransactionAsync(cancellationToken);
                return false;
            }

            for (var i = 0; i < items.Length; i++)
            {
                var (outcome, leadId, reason) = outcomes[i];
                var recorded = new BulkConversionJobItem { Id = items[i].Id };
                db.BulkConversionJobItems.Attach(recorded);
                recorded.Outcome = outcome;
                recorded.LeadId = leadId;
                recorded.Reason = reason is { Length: > 500 } ? reason[..500] : reason;
            }

            await db.SaveChangesAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Converts the chunk together (one statement, see ADR 0005). When that fails for a reason other than an outage, each deal is tried on
    /// its own, so a bug or bad data in one deal fails that deal alone; an outage propagates, and the job is resumed
    /// later rather than marking every remaining deal as failed.
    /// </summary>
    private async Task<(BulkItemOutcome Outcome, Guid? LeadId, string? Reason)[]> ConvertAsync(
        UserAccess actor, BulkConversionJobItem[] items, CancellationToken cancellationToken)
    {
        try
        {
            return await ConvertTogetherAsync(actor, items, cancellationToken);
        }
        catch (Exception exception) when (items.Length > 1 && IsUnforeseen(exception))
        {
            var outcomes = new List<(BulkItemOutcome, Guid?, string?)>(items.Length);
            foreach (var item in items)
            {
                outcomes.AddRange(await ConvertAsync(actor, [item], cancellationToken));
            }

            return outcomes.ToArray();
        }
        catch (Exception exception) when (IsUnforeseen(exception))
        {
            LogItemFailed(exception, items[0].DealId);
            return [(BulkItemOutcome.Failed, null, "An unexpected error stopped this conversion.")];
        }
    }

    private async Task<(BulkItemOutcome Outcome, Guid? LeadId, string? Reason)[]> ConvertTogetherAsync(
        UserAccess actor, BulkConversionJobItem[] items, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Core.Webhooks.WebhookEvents>().BeginBulkEdit();
        var conversions = scope.ServiceProvider.GetRequiredService<DealConversionService>();
        var results = await conversions.ConvertDealsToLeadsAsync(actor, items.Select(i => new DealToConvert(i.DealId, i.ConversionId)).ToList(), cancellationToken);
        return results.Select(result => result switch
        {
            null => (BulkItemOutcome.Rejected, (Guid?)null, (string?)"The deal no longer exists or you can no longer see it."),
            { Status: ConversionStatus.Completed } => (BulkItemOutcome.Converted, result.LeadId, null),
            { Status: ConversionStatus.Rejected } => (BulkItemOutcome.Rejected, null, result.Reason),
            _ => (BulkItemOutcome.Failed, null, result.Reason ?? $"The conversion ended as {result.Status}."),
        }).ToArray();
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
        await db.InTransactionAsync(async _ =>
        {
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
                await db.AbandonTransactionAsync(cancellationToken);
                return;
            }

            var items = await db.BulkConversionJobItems.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Position).ToListAsync(cancellationToken);
            var recipient = await db.Users.AsNoTracking().Where(u => u.Id == job.RequestedById).Select(u => new { u.Email, u.DisplayName, u.Language }).SingleAsync(cancellationToken);
            if (!string.IsNullOrEmpty(recipient.Email))
            {
                db.OutboxEmails.Add(BulkConversionEmail.Compose(job, items, recipient.Email, recipient.DisplayName, publicUrl, now, recipient.Language));
                await db.SaveChangesAsync(cancellationToken);
            }
        }, cancellationToken);
        LogJobCompleted(job.Id, job.Total);
    }

    private static bool IsUnforeseen(Exception exception) => exception is not OperationCanceledException && !IsDatabaseOutage(exception);

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
