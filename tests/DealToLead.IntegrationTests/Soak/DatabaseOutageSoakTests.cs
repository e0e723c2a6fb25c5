using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using DealToLead.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Soak;

[Trait("Category", "Soak")]
[Collection(SoakCollection.Name)]
public sealed class DatabaseOutageSoakTests(ITestOutputHelper output)
{
    private const int Deals = 400;
    private const int Clients = 4;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan MaxAnswerTime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRecovery = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_PostgreSQL_restart_under_load_gives_quick_503s_then_recovers_without_a_partial_conversion()
    {
        var requestsBefore = SoakClient.RequestsTried;
        await using var smtp = new FakeSmtpServer();
        smtp.Start();
        await using var database = await SoakDatabase.CreateAsync();
        var dealIds = await database.SeedDealsAsync(Deals, DemoUsers.Rep);
        await using var app = await AppProcess.StartAsync("db-outage", SoakSettings.App(database.ConnectionString, smtp.Port));

        var queue = new ConcurrentQueue<int>(dealIds);
        var responses = new ConcurrentBag<(TimedResponse Response, bool DuringOutage, DateTimeOffset At)>();
        var settled = 0;
        var outageOn = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            using var client = new SoakClient(app.BaseAddress, DemoUsers.Rep);
            while (!stop.IsCancellationRequested && queue.TryDequeue(out var dealId))
            {
                var response = await client.ConvertAsync(dealId);
                responses.Add((response, Volatile.Read(ref outageOn) == 1, DateTimeOffset.UtcNow));
                if (response.Status is HttpStatusCode.OK or HttpStatusCode.Conflict)
                {
                    // 409 "already converted" follows a 503 whose transaction had committed before the connection was cut.
                    Interlocked.Increment(ref settled);
                }
                else
                {
                    queue.Enqueue(dealId); // the client tries again later, as a user would after a 503
                    await Task.Delay(200);
                }
            }
        })).ToList();

        while (Volatile.Read(ref settled) < Deals / 5 && !stop.IsCancellationRequested)
        {
            await Task.Delay(50);
        }

        var options = await PostgresServer.StopAsync();
        Volatile.Write(ref outageOn, 1);
        var settledAtStop = Volatile.Read(ref settled);
        await Task.Delay(Outage);
        Volatile.Write(ref outageOn, 0);
        await PostgresServer.StartAsync(options);
        var backAt = DateTimeOffset.UtcNow;
        var recovery = await TimeUntilHealthyAsync(app.BaseAddress, TimeSpan.FromSeconds(30));
        output.WriteLine($"PostgreSQL stopped after {settledAtStop} conversions for {Outage.TotalSeconds} s; app healthy {recovery.TotalSeconds:F1} s after it was back");

        await Task.WhenAll(clients);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var audit = await database.AuditAsync(dealIds);
        var all = responses.ToList();
        var unavailable = all.Where(r => r.Response.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var unexpected = all.Where(r => r.Response.Status is not (HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable)).ToList();
        var slowest503 = unavailable.Count == 0 ? TimeSpan.Zero : unavailable.Max(r => r.Response.Elapsed);
        var firstConversionAfter = all.Where(r => r.Response.Status == HttpStatusCode.OK && r.At > backAt).Select(r => r.At - backAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var slowestDuringOutage = all.Where(r => r.DuringOutage).Select(r => r.Response.Elapsed).DefaultIfEmpty().Max();
        new SoakFigures("db-outage", SoakClient.RequestsTried - requestsBefore, FaultsInjected: 1, audit.ItemsChecked + dealIds.Count, audit.Lost + audit.Misplaced, audit.Duplicated,
            $"PostgreSQL down {Outage.TotalSeconds:F0} s under {Clients} clients; {unavailable.Count} answered 503 (slowest {slowest503.TotalSeconds:F1} s), "
            + $"{unexpected.Count} other errors; healthy {recovery.TotalSeconds:F1} s and converting {firstConversionAfter.TotalSeconds:F1} s after PostgreSQL was back; {audit.Misplaced} partial").Report(output);

        unexpected.Select(r => $"{r.Response.Status?.ToString() ?? r.Response.Error} after {r.Response.Elapsed.TotalSeconds:F1} s: {r.Response.Body}")
            .Should().BeEmpty("every answer is a conversion, 'already converted' after a lost acknowledgement, or a clear 503");
        unavailable.Should().NotBeEmpty("requests during the outage must be answered with 503");
        unavailable.Should().OnlyContain(r => r.Response.IsJsonError && r.Response.HasRetryAfter, "a 503 is a JSON error with Retry-After");
        slowest503.Should().BeLessThan(MaxAnswerTime, "an outage is answered quickly, not with a hang");
        slowestDuringOutage.Should().BeLessThan(MaxAnswerTime);
        recovery.Should().BeLessThan(MaxRecovery, "the app recovers by itself once PostgreSQL is back");
        firstConversionAfter.Should().BeLessThan(MaxRecovery, "conversions succeed again without restarting the app");
        audit.Converted.Should().Be(Deals);
        audit.Lost.Should().Be(0);
        audit.Duplicated.Should().Be(0);
        audit.Misplaced.Should().Be(0, "a conversion is whole or not at all");
        (await ConsistencyChecker.FindViolationsAsync(database.ConnectionString)).Should().BeEmpty();
    }

    private static async Task<TimeSpan> TimeUntilHealthyAsync(Uri baseAddress, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            SoakClient.CountRequest();
            try
            {
                if ((await http.GetAsync("healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Counts as not recovered yet.
            }

            await Task.Delay(100);
        }

        return watch.Elapsed;
    }
}
