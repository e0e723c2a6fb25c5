using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DealToLead.IntegrationTests.Soak;

/// <summary>
/// Stops and starts the test PostgreSQL that scripts/soak.sh (or test.sh) runs, through <c>pg_ctl</c>, as the
/// postgres user when the tests run as root (PostgreSQL refuses to run as root).
/// </summary>
public static partial class PostgresServer
{
    private static string DataDirectory => Environment.GetEnvironmentVariable("DEALTOLEAD_TEST_PG_DIR")
        ?? throw new InvalidOperationException("DEALTOLEAD_TEST_PG_DIR is not set: run the soak tests with scripts/soak.sh.");

    private static string PgCtl => Path.Combine(Environment.GetEnvironmentVariable("DEALTOLEAD_TEST_PG_BIN")
        ?? throw new InvalidOperationException("DEALTOLEAD_TEST_PG_BIN is not set: run the soak tests with scripts/soak.sh."), "pg_ctl");

    /// <summary>A fast shutdown: open transactions are aborted and connections cut, as in a crash or failover.</summary>
    public static async Task<string> StopAsync()
    {
        // pg_ctl start does not remember the server's options; postmaster.opts holds the command line it ran with.
        var options = await File.ReadAllTextAsync(Path.Combine(DataDirectory, "postmaster.opts"));
        await PgCtlAsync("-D", DataDirectory, "-m", "fast", "-w", "stop");
        return options;
    }

    public static async Task StartAsync(string postmasterOptions)
    {
        var arguments = QuotedArgument().Matches(postmasterOptions).Select(m => m.Groups[1].Value).ToList();
        var dataFlag = arguments.IndexOf("-D");
        if (dataFlag >= 0)
        {
            arguments.RemoveRange(dataFlag, 2);
        }

        await PgCtlAsync("-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
            "-o", string.Join(' ', arguments.Select(a => $"\"{a}\"")), "start");
        // The test process's own pooled connections died with the old server.
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static async Task PgCtlAsync(params string[] arguments)
    {
        var asRoot = Environment.UserName == "root";
        var start = new ProcessStartInfo(asRoot ? "runuser" : PgCtl) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (asRoot)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", PgCtl })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex QuotedArgument();
}
