using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DealToLead.IntegrationTests.Infrastructure;
using Npgsql;

namespace DealToLead.IntegrationTests.Scaling;

/// <summary>
/// A hot standby of the test server (scripts/test.sh's), made with pg_basebackup and streaming replication: a few
/// seconds for the small test server. Run as the postgres user when the tests run as root, as scripts/lib.sh does.
/// </summary>
public sealed class Standby : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _maxConnections;

    private Standby(string directory, int port, string bin, string maxConnections)
    {
        _maxConnections = maxConnections;
        Directory = directory;
        Port = port;
        _bin = bin;
    }

    public string Directory { get; }

    public int Port { get; }

    public static async Task<Standby> StartAsync()
    {
        var bin = Environment.GetEnvironmentVariable("DEALTOLEAD_TEST_PG_BIN")
                  ?? throw new InvalidOperationException("DEALTOLEAD_TEST_PG_BIN is not set: run the tests with scripts/test.sh.");
        var primary = new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), $"dtl-standby-{Guid.NewGuid():N}");
        string maxConnections;
        // A hot standby needs at least the primary's max_connections (scripts/lib.sh starts it with 300).
        await using (var connection = new NpgsqlConnection(TestDatabase.ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW max_connections", connection);
            maxConnections = (string)(await command.ExecuteScalarAsync())!;
        }

        var standby = new Standby(directory, FreePort(), bin, maxConnections);
        try
        {
            await standby.RunAsync(
                $"mkdir -m 700 {directory} && {bin}/pg_basebackup -h {primary.Host} -p {primary.Port} -U postgres -D {directory} -X stream -R -c fast");
            await standby.StartServerAsync();
        }
        catch
        {
            await standby.RunAsync($"rm -rf {directory}");
            throw;
        }

        return standby;
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(TestDatabase.ServerConnectionString) { Port = Port, Database = database }.ConnectionString;

    public Task StartServerAsync() => RunAsync(
        $"{_bin}/pg_ctl -D {Directory} -l {Directory}/server.log -w -t 60 "
        + $"-o \"-c port={Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={Directory} -c hot_standby=on -c max_connections={_maxConnections}\" start");

    public Task StopServerAsync() => RunAsync($"{_bin}/pg_ctl -D {Directory} -m fast -w stop");

    /// <summary>Runs SQL on the standby, e.g. <c>SELECT pg_wal_replay_pause()</c>.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Waits until the standby has replayed everything the primary wrote before the call.</summary>
    public async Task CatchUpAsync()
    {
        await using var primary = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await primary.OpenAsync();
        await using var position = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()::text", primary);
        var target = (string)(await position.ExecuteScalarAsync())!;
        await using var standby = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await standby.OpenAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await using var replayed = new NpgsqlCommand($"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", standby);
            if ((bool)(await replayed.ExecuteScalarAsync())!)
            {
                return;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the standby did not catch up in 30 s");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopServerAsync();
        }
        finally
        {
            await RunAsync($"rm -rf {Directory}");
        }
    }

    private async Task RunAsync(string script)
    {
        var root = Environment.UserName == "root";
        var start = new ProcessStartInfo(root ? "runuser" : "bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        if (root)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", "bash" })
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{script}' exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
