using System.Diagnostics;
using HdrHistogram;

namespace DealToLead.Bench;

public enum Attempt
{
    Succeeded,
    Failed,
    Exhausted,
}

/// <summary>What one operation reports: its outcome and, when it failed, why.</summary>
public readonly record struct OperationResult(Attempt Attempt, string? Error = null)
{
    public static OperationResult Ok { get; } = new(Attempt.Succeeded);

    public static OperationResult Exhausted { get; } = new(Attempt.Exhausted);

    public static OperationResult Fail(string error) => new(Attempt.Failed, error);
}

public sealed record LoadResult(long Succeeded, long Failed, double Seconds, LongHistogram Latencies, string? FirstError, bool RanOutOfWork)
{
    public double PerSecond => Seconds > 0 ? Succeeded / Seconds : 0;

    /// <summary>Latency at a percentile, in milliseconds (recorded in microseconds).</summary>
    public double Percentile(double percentile) => Latencies.TotalCount == 0 ? double.NaN : Latencies.GetValueAtPercentile(percentile) / 1000.0;
}

/// <summary>N clients run an operation in a loop: first for the warm-up (discarded), then for the measured duration.</summary>
public static class LoadGenerator
{
    private const long HighestMicroseconds = 120_000_000;

    public static async Task<LoadResult> RunAsync(int clients, TimeSpan warmUp, TimeSpan duration, Func<CancellationToken, Task<OperationResult>> operation)
    {
        if (warmUp > TimeSpan.Zero)
        {
            await PhaseAsync(clients, warmUp, operation);
        }

        return await PhaseAsync(clients, duration, operation);
    }

    private static async Task<LoadResult> PhaseAsync(int clients, TimeSpan duration, Func<CancellationToken, Task<OperationResult>> operation)
    {
        using var stop = new CancellationTokenSource(duration);
        var watch = Stopwatch.StartNew();
        var runs = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(operation, stop.Token))));
        watch.Stop();

        var latencies = new LongHistogram(HighestMicroseconds, 3);
        foreach (var run in runs)
        {
            latencies.Add(run.Latencies);
        }

        return new LoadResult(
            runs.Sum(r => r.Succeeded), runs.Sum(r => r.Failed), watch.Elapsed.TotalSeconds, latencies,
            runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null), runs.Any(r => r.RanOutOfWork));
    }

    private static async Task<LoadResult> ClientAsync(Func<CancellationToken, Task<OperationResult>> operation, CancellationToken stop)
    {
        var latencies = new LongHistogram(HighestMicroseconds, 3);
        long succeeded = 0, failed = 0;
        string? firstError = null;
        var ranOut = false;
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            OperationResult result;
            try
            {
                // Not cancelled by the stop signal: an operation in flight finishes, so a conversion is never cut in half.
                result = await operation(CancellationToken.None);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException)
            {
                result = OperationResult.Fail(exception.Message);
            }

            var micros = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            switch (result.Attempt)
            {
                case Attempt.Succeeded:
                    succeeded++;
                    latencies.RecordValue(Math.Min(micros, HighestMicroseconds));
                    break;
                case Attempt.Failed:
                    failed++;
                    firstError ??= result.Error;
                    break;
                default:
                    ranOut = true;
                    return new LoadResult(succeeded, failed, 0, latencies, firstError, ranOut);
            }
        }

        return new LoadResult(succeeded, failed, 0, latencies, firstError, ranOut);
    }
}
