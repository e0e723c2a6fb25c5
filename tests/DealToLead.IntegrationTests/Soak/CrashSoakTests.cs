using System.Diagnostics;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using DealToLead.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Soak;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    // The scenarios restart the shared PostgreSQL and load the machine: one at a time.
    public const string Name = "soak";
}

[Trait("Category", "Soak")]
[Collection(SoakCollection.Name)]
public sealed class CrashSoakTests(ITestOutputHelper output)
{
    private const int Deals = 1_000;

    [Fact]
    public async Task A_bulk_job_interrupted_by_SIGKILL_completes_after_restart_converting_each_deal_once_with_one_email()
    {
        var requestsBefore = SoakClient.RequestsTried;
        await using var smtp = new FakeSmtpServer();
        smtp.Start();
        await using var database = await SoakDatabase.CreateAsync();
        var dealIds = await database.SeedDealsAsync(Deals, DemoUsers.Rep);
        // A short lease so the restarted instance resumes the dead one's job in seconds, not a minute.
        var settings = SoakSettings.App(database.ConnectionString, smtp.Port, ("BulkConversion__LeaseSeconds", "5"));
        await using var app = await AppProcess.StartAsync("crash", settings);
        using var client = new SoakClient(app.BaseAddress, DemoUsers.Rep);

        var jobId = await client.SubmitBulkJobAsync(dealIds);
        var convertedAtKill = await WaitForConversionsAsync(database, atLeast: 150, TimeSpan.FromMinutes(5));
        await app.KillAsync();
        var convertedAfterKill = await CompletedConversionsAsync(database);
        output.WriteLine($"SIGKILL after {convertedAtKill} conversions ({convertedAfterKill} committed when the process was gone)");
        convertedAfterKill.Should().BeLessThan(Deals, "the kill must land midway through the job for this test to mean anything");
        (await database.CountAsync($"SELECT count(*) FROM bulk_conversion_jobs WHERE id = '{jobId}' AND status = 'Completed'")).Should().Be(0);

        var restart = Stopwatch.StartNew();
        await app.StartAsync();
        var job = await client.WaitForJobAsync(jobId, TimeSpan.FromMinutes(6));
        output.WriteLine($"job completed {restart.Elapsed.TotalSeconds:F1} s after the restart began");
        await WaitForMessagesAsync(smtp, 1, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(5)); // long enough for a duplicate to arrive: the sender polls every 2 s

        var audit = await database.AuditAsync(dealIds);
        var leads = await database.CountAsync("SELECT count(*) FROM leads WHERE source = 'Deal'");
        var originDeals = await database.CountAsync("SELECT count(DISTINCT origin_deal_id) FROM leads WHERE source = 'Deal'");
        var conversions = await CompletedConversionsAsync(database);
        var messageIds = smtp.Messages.Select(m => m.MessageId).Distinct().Count();
        var duplicated = audit.Duplicated + (leads - originDeals) + Math.Max(0, smtp.Messages.Count - 1);
        new SoakFigures("crash", SoakClient.RequestsTried - requestsBefore, FaultsInjected: 1, audit.ItemsChecked + dealIds.Count, audit.Lost, duplicated,
            $"SIGKILL at {convertedAfterKill}/{Deals} deals; {conversions} conversions, {leads} leads, {smtp.Messages.Count} email(s)").Report(output);

        job.GetProperty("converted").GetInt32().Should().Be(Deals);
        leads.Should().Be(Deals);
        originDeals.Should().Be(Deals);
        conversions.Should().Be(Deals);
        smtp.Messages.Should().HaveCount(1, "one job, one confirmation email");
        messageIds.Should().Be(1);
        audit.Converted.Should().Be(Deals);
        audit.Lost.Should().Be(0);
        audit.Duplicated.Should().Be(0);
        audit.Misplaced.Should().Be(0);
        (await ConsistencyChecker.FindViolationsAsync(database.ConnectionString)).Should().BeEmpty();
    }

    private static Task<long> CompletedConversionsAsync(SoakDatabase database) =>
        database.CountAsync("SELECT count(*) FROM conversions WHERE direction = 'DealToLead' AND status = 'Completed'");

    private static async Task<long> WaitForConversionsAsync(SoakDatabase database, int atLeast, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var converted = await CompletedConversionsAsync(database);
            if (converted >= atLeast)
            {
                return converted;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Only {converted} conversions after {timeout}.");
            }

            await Task.Delay(100);
        }
    }

    internal static async Task WaitForMessagesAsync(FakeSmtpServer smtp, int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (smtp.Messages.Count < count && watch.Elapsed < timeout)
        {
            await Task.Delay(250);
        }
    }
}
