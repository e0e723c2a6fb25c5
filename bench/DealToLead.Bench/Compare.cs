using System.Globalization;
using System.Net;
using Npgsql;

namespace DealToLead.Bench;

/// <summary>One side of a comparison: an app, its process and the application name its PostgreSQL connections carry.</summary>
public sealed record CompareSide(string Name, Uri BaseUrl, int? Pid, string? ApplicationName);

/// <summary>
/// Two builds of the app, side by side on one database and one machine, under the same load in alternated rounds:
/// this machine's speed moves by more than 2 × between runs, so only such a comparison shows a change of 5–20 %
/// (docs/decisions/0008, 0026 and 0028). Prints requests/s, p95 and the CPU time per request of each app and of its
/// PostgreSQL backends, read from /proc.
/// </summary>
public sealed class Compare(CompareSide a, CompareSide b, string path, int clients, int rounds, TimeSpan duration, string? connectionString)
{
    private const double ClockTicksPerSecond = 100;

    public async Task<int> RunAsync()
    {
        var sides = new[] { a, b };
        var browsers = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var side in sides)
        {
            browsers[side.Name] = AppClient.Create(side.BaseUrl, new CookieContainer());
            await AppClient.SignInAsync(browsers[side.Name]);
        }

        var totals = sides.ToDictionary(s => s.Name, _ => new List<(double PerSecond, double AppCpu, double DatabaseCpu)>(), StringComparer.Ordinal);
        Console.WriteLine($"{path}, {clients} clients, {rounds} rounds of {duration.TotalSeconds:F0} s per app after a warm-up of {WarmUp(duration).TotalSeconds:F0} s each");
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var side in round % 2 == 0 ? sides : sides.Reverse())
            {
                var (result, appCpu, databaseCpu) = await MeasureAsync(side, browsers[side.Name], round == 0 ? WarmUp(duration) : duration);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{(round == 0 ? "warm-up" : $"round {round}"),-8} {side.Name}: {result.PerSecond,7:F1} req/s  p95 {result.Percentile(95),6:F1} ms  app {appCpu,5:F2} ms/req  postgres {databaseCpu,5:F2} ms/req  errors {result.Failed}");
                Console.WriteLine(line);
                if (round > 0)
                {
                    totals[side.Name].Add((result.PerSecond, appCpu, databaseCpu));
                }
            }
        }

        foreach (var side in sides)
        {
            var figures = totals[side.Name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{side.Name}: mean {figures.Average(f => f.PerSecond):F1} req/s, app {figures.Average(f => f.AppCpu):F2} ms/req, postgres {figures.Average(f => f.DatabaseCpu):F2} ms/req"));
        }

        var wins = Enumerable.Range(0, rounds).Count(r => totals[b.Name][r].PerSecond > totals[a.Name][r].PerSecond);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{b.Name} / {a.Name}: {totals[b.Name].Average(f => f.PerSecond) / totals[a.Name].Average(f => f.PerSecond):F3} × the requests/s; {b.Name} faster in {wins} of {rounds} rounds"));
        foreach (var browser in browsers.Values)
        {
            browser.Dispose();
        }

        return 0;
    }

    // The runtime's tiered compilation settles after about a minute of one page's load (docs/decisions/0031).
    private static TimeSpan WarmUp(TimeSpan round) => round > TimeSpan.FromSeconds(60) ? round : TimeSpan.FromSeconds(60);

    private async Task<(LoadResult Result, double AppCpu, double DatabaseCpu)> MeasureAsync(CompareSide side, HttpClient browser, TimeSpan length)
    {
        var backends = await BackendsAsync(side);
        var (appBefore, databaseBefore) = (CpuMilliseconds(side.Pid), backends.Sum(CpuMilliseconds));
        var result = await LoadGenerator.RunAsync(clients, TimeSpan.Zero, length, async ct =>
        {
            using var response = await browser.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
            return response.StatusCode == HttpStatusCode.OK ? OperationResult.Ok : OperationResult.Fail($"{path} answered {(int)response.StatusCode}");
        });
        var (appAfter, databaseAfter) = (CpuMilliseconds(side.Pid), backends.Sum(CpuMilliseconds));
        var requests = Math.Max(1, result.Succeeded);
        return (result, (appAfter - appBefore) / requests, (databaseAfter - databaseBefore) / requests);
    }

    /// <summary>The PostgreSQL backends serving this side (its connections name themselves); none without a connection string.</summary>
    private async Task<List<int?>> BackendsAsync(CompareSide side)
    {
        if (connectionString is null || side.ApplicationName is null)
        {
            return [];
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT pid FROM pg_stat_activity WHERE application_name = $1");
        command.Parameters.AddWithValue(side.ApplicationName);
        var pids = new List<int?>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }

    /// <summary>User plus system CPU time of a process so far, from /proc (0 when it is gone or not given).</summary>
    private static double CpuMilliseconds(int? pid)
    {
        var stat = pid is { } p ? $"/proc/{p}/stat" : null;
        if (stat is null || !File.Exists(stat))
        {
            return 0;
        }

        // The fields after the command name, which is in parentheses and may contain spaces: utime and stime are the 12th and 13th.
        var fields = File.ReadAllText(stat).Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000 / ClockTicksPerSecond;
    }
}
