using System.Diagnostics;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using DealToLead.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Soak;

[Trait("Category", "Soak")]
[Collection(SoakCollection.Name)]
public sealed class SmtpOutageSoakTests(ITestOutputHelper output)
{
    private const int Jobs = 10;
    private const int DealsPerJob = 5;

    [Fact]
    public async Task Emails_of_jobs_that_finish_while_SMTP_is_down_are_all_delivered_once_when_it_is_back()
    {
        var requestsBefore = SoakClient.RequestsTried;
        await using var smtp = new FakeSmtpServer(); // not started: the port refuses connections
        await using var database = await SoakDatabase.CreateAsync();
        var dealIds = await database.SeedDealsAsync(Jobs * DealsPerJob, DemoUsers.Rep);
        // Short backoff so the retries during a seconds-long outage are many and the delivery after it is prompt.
        var settings = SoakSettings.App(database.ConnectionString, smtp.Port, ("Email__FirstRetrySeconds", "1"), ("Email__MaxRetrySeconds", "2"));
        await using var app = await AppProcess.StartAsync("smtp-outage", settings);
        using var client = new SoakClient(app.BaseAddress, DemoUsers.Rep);

        var outage = Stopwatch.StartNew();
        var jobIds = new List<Guid>();
        foreach (var batch in dealIds.Chunk(DealsPerJob))
        {
            jobIds.Add(await client.SubmitBulkJobAsync(batch));
        }

        foreach (var jobId in jobIds)
        {
            (await client.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3))).GetProperty("converted").GetInt32().Should().Be(DealsPerJob);
        }

        // Every email has been tried against the dead server at least twice before it comes back.
        var deadline = Stopwatch.StartNew();
        while (await database.CountAsync("SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL AND attempts >= 2") < Jobs && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(250);
        }

        var refusedBeforeRecovery = await database.CountAsync("SELECT COALESCE(sum(attempts), 0) FROM outbox_emails");
        (await database.CountAsync("SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL")).Should().Be(Jobs, "nothing can be sent while SMTP is down");
        smtp.Start();
        var downFor = outage.Elapsed;
        await CrashSoakTests.WaitForMessagesAsync(smtp, Jobs, TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(6)); // a few more sender polls: time for a duplicate to show

        var attempts = await database.CountAsync("SELECT COALESCE(sum(attempts), 0) FROM outbox_emails");
        var unsent = await database.CountAsync("SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL");
        var distinctIds = smtp.Messages.Select(m => m.MessageId).Distinct().Count();
        var audit = await database.AuditAsync(dealIds);
        new SoakFigures("smtp-outage", SoakClient.RequestsTried - requestsBefore, FaultsInjected: 1 + (attempts - Jobs), Jobs + audit.ItemsChecked + dealIds.Count,
            audit.Lost + (Jobs - distinctIds), audit.Duplicated + (smtp.Messages.Count - distinctIds),
            $"SMTP down {downFor.TotalSeconds:F0} s, {refusedBeforeRecovery} delivery attempts refused; {smtp.Messages.Count} emails received, {distinctIds} distinct Message-Ids").Report(output);

        smtp.Messages.Should().HaveCount(Jobs);
        distinctIds.Should().Be(Jobs, "no email may arrive twice");
        unsent.Should().Be(0);
        audit.Converted.Should().Be(dealIds.Count);
        audit.Lost.Should().Be(0);
        audit.Duplicated.Should().Be(0);
        (await ConsistencyChecker.FindViolationsAsync(database.ConnectionString)).Should().BeEmpty();
    }
}
