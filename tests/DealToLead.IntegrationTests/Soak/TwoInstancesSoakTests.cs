using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using DealToLead.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Soak;

[Trait("Category", "Soak")]
[Collection(SoakCollection.Name)]
public sealed partial class TwoInstancesSoakTests(ITestOutputHelper output)
{
    private const int Jobs = 20;
    private const int DealsPerJob = 10;

    [Fact]
    public async Task Two_instances_on_one_database_share_sign_ins_and_process_each_bulk_job_once()
    {
        var requestsBefore = SoakClient.RequestsTried;
        await using var smtp = new FakeSmtpServer();
        smtp.Start();
        await using var database = await SoakDatabase.CreateAsync();
        var dealIds = await database.SeedDealsAsync(Jobs * DealsPerJob, DemoUsers.Rep);
        var settings = SoakSettings.App(database.ConnectionString, smtp.Port);
        await using var first = await AppProcess.StartAsync("two-instances-a", settings);
        await using var second = await AppProcess.StartAsync("two-instances-b", settings);

        // Cookies are not scoped by port, so one cookie jar is a browser visiting both instances.
        (await IsSignedInAsync(SignedOutBrowser(), second)).Should().BeFalse("an anonymous visitor must be sent to the login page");
        var signedInOnFirst = await SignInAsync(first, DemoUsers.Rep);
        (await IsSignedInAsync(signedInOnFirst, second)).Should().BeTrue("a sign-in on one instance is valid on the other");
        var signedInOnSecond = await SignInAsync(second, DemoUsers.Manager);
        (await IsSignedInAsync(signedInOnSecond, first)).Should().BeTrue();

        using var clientOfFirst = new SoakClient(first.BaseAddress, DemoUsers.Rep);
        using var clientOfSecond = new SoakClient(second.BaseAddress, DemoUsers.Rep);
        var jobIds = await Task.WhenAll(dealIds.Chunk(DealsPerJob).Select((batch, n) => (n % 2 == 0 ? clientOfFirst : clientOfSecond).SubmitBulkJobAsync(batch)));
        foreach (var (jobId, n) in jobIds.Select((id, n) => (id, n)))
        {
            (await (n % 2 == 0 ? clientOfSecond : clientOfFirst).WaitForJobAsync(jobId, TimeSpan.FromMinutes(4)))
                .GetProperty("converted").GetInt32().Should().Be(DealsPerJob);
        }

        await CrashSoakTests.WaitForMessagesAsync(smtp, Jobs, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(5));

        var audit = await database.AuditAsync(dealIds);
        var conversions = await database.CountAsync("SELECT count(*) FROM conversions WHERE direction = 'DealToLead'");
        var outboxRows = await database.CountAsync("SELECT count(*) FROM outbox_emails");
        var byFirst = await database.CountAsync($"SELECT count(*) FROM bulk_conversion_jobs WHERE leased_by LIKE '%:{first.ProcessId}:%'");
        var bySecond = await database.CountAsync($"SELECT count(*) FROM bulk_conversion_jobs WHERE leased_by LIKE '%:{second.ProcessId}:%'");
        var distinctIds = smtp.Messages.Select(m => m.MessageId).Distinct().Count();
        new SoakFigures("two-instances", SoakClient.RequestsTried - requestsBefore, FaultsInjected: 0, audit.ItemsChecked + dealIds.Count + Jobs,
            audit.Lost + Math.Max(0, Jobs - distinctIds), audit.Duplicated + (conversions - dealIds.Count) + (smtp.Messages.Count - distinctIds),
            $"2 instances, {Jobs} jobs finished by A {byFirst} / B {bySecond}; {conversions} conversion records, {smtp.Messages.Count} emails; sign-in valid across instances").Report(output);

        conversions.Should().Be(dealIds.Count, "each job's deals are converted once: a second run of a job would leave more conversion records or rejections");
        outboxRows.Should().Be(Jobs, "each job completes once and writes one email");
        smtp.Messages.Should().HaveCount(Jobs);
        distinctIds.Should().Be(Jobs);
        (byFirst + bySecond).Should().Be(Jobs);
        audit.Converted.Should().Be(dealIds.Count);
        audit.Lost.Should().Be(0);
        audit.Duplicated.Should().Be(0);
        (await ConsistencyChecker.FindViolationsAsync(database.ConnectionString)).Should().BeEmpty();
    }

    private static HttpClient SignedOutBrowser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<HttpClient> SignInAsync(AppProcess app, DemoUser user)
    {
        var browser = SignedOutBrowser();
        SoakClient.CountRequest();
        var page = await browser.GetStringAsync(new Uri(app.BaseAddress, "login"));
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        SoakClient.CountRequest();
        var response = await browser.PostAsync(new Uri(app.BaseAddress, "login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = user.Email,
            ["Input.Password"] = DemoUsers.Password,
            ["__RequestVerificationToken"] = token,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "signing in as {0} should succeed", user.Email);
        return browser;
    }

    private static async Task<bool> IsSignedInAsync(HttpClient browser, AppProcess app)
    {
        SoakClient.CountRequest();
        var response = await browser.GetAsync(new Uri(app.BaseAddress, "leads"));
        return response.StatusCode == HttpStatusCode.OK;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
