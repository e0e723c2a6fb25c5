using System.Diagnostics;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace DealToLead.Infrastructure.Database;

/// <summary>
/// The optional read replica (<c>ConnectionStrings:CrmReadOnly</c>, docs/decisions/0020): contexts on it for reads that
/// tolerate one, only when it has replayed the caller's last write, and never when it is down. Without that connection
/// string every read stays on the primary and nothing here runs a query.
/// </summary>
public sealed class ReadReplica : IAsyncDisposable
{
    public const string ConnectionStringName = "CrmReadOnly";

    // A replica that failed is left alone this long before it is tried again; meanwhile reads go to the primary.
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(3);

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource? _replica;
    private readonly PooledDbContextFactory<CrmDbContext>? _contexts;

    // The highest replay position this instance has seen the replica reach. A standby's replay position only grows, so a
    // write at or below it is visible there without asking again; a caller ahead of it makes this instance ask.
    private long _replayed;
    private long _downUntil;

    public ReadReplica(NpgsqlDataSource primary, string? connectionString, Action<DbContextOptionsBuilder<CrmDbContext>, NpgsqlDataSource> configure)
    {
        _primary = primary;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

        _replica = DependencyInjection.CreateDataSource(connectionString, replica: true);
        var options = new DbContextOptionsBuilder<CrmDbContext>();
        configure(options, _replica);
        _contexts = new PooledDbContextFactory<CrmDbContext>(options.Options);
    }

    public bool Configured => _replica is not null;

    public bool IsDown => Stopwatch.GetTimestamp() < Volatile.Read(ref _downUntil);

    /// <summary>Reads go to the primary for <see cref="RetryAfterFailure"/>: a query on the replica failed.</summary>
    public void MarkDown() => Volatile.Write(ref _downUntil, Stopwatch.GetTimestamp() + (long)(RetryAfterFailure.TotalSeconds * Stopwatch.Frequency));

    /// <summary>
    /// A context on the replica if it is up and has replayed <paramref name="writtenAt"/> (the caller's last commit),
    /// else null: read from the primary. The caller disposes the context.
    /// </summary>
    public async Task<CrmDbContext?> TryCreateContextAsync(ulong writtenAt, CancellationToken cancellationToken)
    {
        if (_contexts is null || IsDown || writtenAt == ulong.MaxValue)
        {
            return null;
        }

        if (writtenAt > (ulong)Volatile.Read(ref _replayed))
        {
            var replayed = await ReplayPositionAsync(cancellationToken);
            if (replayed is null || writtenAt > replayed)
            {
                return null;
            }
        }

        return _contexts.CreateDbContext();
    }

    /// <summary>The primary's WAL insert position: at or past the end of every transaction committed before the call.</summary>
    public async Task<ulong> PrimaryPositionAsync(CancellationToken cancellationToken)
    {
        await using var command = _primary.CreateCommand("SELECT pg_current_wal_insert_lsn()");
        return (ulong)(NpgsqlTypes.NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>How far the replica replayed, or null (and marked down) when it cannot be asked.</summary>
    public async Task<ulong?> ReplayPositionAsync(CancellationToken cancellationToken)
    {
        if (_replica is null)
        {
            return null;
        }

        try
        {
            await using var command = _replica.CreateCommand("SELECT pg_last_wal_replay_lsn()");
            // A server that is not a standby answers null; then it is current by definition (tests point the replica
            // connection string at the primary to exercise the routing).
            var result = await command.ExecuteScalarAsync(cancellationToken);
            var replayed = result is NpgsqlTypes.NpgsqlLogSequenceNumber lsn ? (ulong)lsn : await PrimaryPositionAsync(cancellationToken);
            Remember(replayed);
            return replayed;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            MarkDown();
            return null;
        }
    }

    /// <summary>The replica's lag behind the primary in WAL bytes and in time since its last replayed commit, for /healthz.</summary>
    public async Task<(ulong Bytes, double? Seconds)?> LagAsync(CancellationToken cancellationToken)
    {
        var primary = await PrimaryPositionAsync(cancellationToken);
        var replayed = await ReplayPositionAsync(cancellationToken);
        if (replayed is null)
        {
            return null;
        }

        double? seconds = null;
        try
        {
            // Zero when the replica has everything: an idle primary writes no commits, so the replay timestamp ages.
            await using var command = _replica!.CreateCommand(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                + "ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END");
            seconds = await command.ExecuteScalarAsync(cancellationToken) is decimal value ? (double)value : null;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            MarkDown();
            return null;
        }

        return (primary > replayed.Value ? primary - replayed.Value : 0, seconds);
    }

    /// <summary>True for the failures of a server that is down, restarting or unreachable, which a read on the primary avoids.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private void Remember(ulong replayed)
    {
        long seen;
        while ((ulong)(seen = Volatile.Read(ref _replayed)) < replayed
               && Interlocked.CompareExchange(ref _replayed, (long)replayed, seen) != seen)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_replica is not null)
        {
            await _replica.DisposeAsync();
        }
    }
}
