using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Data;
using DealToLead.Infrastructure.Database;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DealToLead.IntegrationTests.Scaling;

/// <summary>The app with <c>ConnectionStrings:CrmReadOnly</c> on a real hot standby of the test server.</summary>
public sealed class ReplicaApp : DealToLeadApp, IAsyncLifetime
{
    public Standby Standby { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Standby = await Standby.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database!;
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:CrmReadOnly"] = Standby.ConnectionString(database),
        }));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
        await Standby.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ReplicaCollection : ICollectionFixture<ReplicaApp>
{
    public const string Name = "replica";
}

/// <summary>Issue #22: reads that tolerate a replica go to it, except where the user would see their own write missing.</summary>
[Collection(ReplicaCollection.Name)]
public sealed class ReadReplicaTests(ReplicaApp app) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        await app.Standby.CatchUpAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task After_a_write_the_user_reads_from_the_primary_until_the_replica_has_replayed_it()
    {
        var world = await app.CreateWorldAsync();
        await app.Standby.CatchUpAsync();
        var rep = app.ApiClient(DemoUsers.Rep);
        var manager = app.ApiClient(DemoUsers.Manager);
        (await ReadsFrom(manager, "/api/v2/deals")).Should().Be("replica", "a user who wrote nothing reads from the replica");

        await app.Standby.ExecuteAsync("SELECT pg_wal_replay_pause()");
        try
        {
            var created = await rep.PostAsJsonAsync("/api/v2/deals", new { title = "Written while the replica stood still", person_id = world.PersonId });
            created.StatusCode.Should().Be(HttpStatusCode.Created);
            created.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith(ReadYourWrites.CookieName + "=", StringComparison.Ordinal));

            using (var own = await rep.GetAsync("/api/v2/deals"))
            {
                own.Headers.GetValues(ReadYourWrites.ReadsHeader).Single().Should().Be("primary");
                (await own.Content.ReadAsStringAsync()).Should().Contain("Written while the replica stood still");
            }

            // Another user, who did not write it, may see the replica's older state: the rule is per user.
            using var other = await manager.GetAsync("/api/v2/deals");
            other.Headers.GetValues(ReadYourWrites.ReadsHeader).Single().Should().Be("replica");
            (await other.Content.ReadAsStringAsync()).Should().NotContain("Written while the replica stood still");
        }
        finally
        {
            await app.Standby.ExecuteAsync("SELECT pg_wal_replay_resume()");
        }

        await app.Standby.CatchUpAsync();
        using var caughtUp = await rep.GetAsync("/api/v2/deals");
        caughtUp.Headers.GetValues(ReadYourWrites.ReadsHeader).Single().Should().Be("replica");
        (await caughtUp.Content.ReadAsStringAsync()).Should().Contain("Written while the replica stood still");
    }

    [Fact]
    public async Task A_page_form_post_sends_the_next_pages_to_the_primary_while_the_replica_lags()
    {
        await app.CreateWorldAsync();
        var browser = await app.SignInAsync(DemoUsers.Rep);
        await app.Standby.CatchUpAsync();
        (await ReadsFrom(browser, "/persons")).Should().Be("replica");

        await app.Standby.ExecuteAsync("SELECT pg_wal_replay_pause()");
        try
        {
            var posted = await browser.PostFormAsync("/persons/new", new Dictionary<string, string> { ["Name"] = "Ada Replica-Lag" });
            posted.StatusCode.Should().BeOneOf(HttpStatusCode.Redirect, HttpStatusCode.Found, HttpStatusCode.SeeOther);

            using var list = await browser.GetAsync("/persons?q=Replica-Lag");
            list.Headers.GetValues(ReadYourWrites.ReadsHeader).Single().Should().Be("primary");
            (await list.Content.ReadAsStringAsync()).Should().Contain("Ada Replica-Lag");
        }
        finally
        {
            await app.Standby.ExecuteAsync("SELECT pg_wal_replay_resume()");
        }
    }

    [Fact]
    public async Task Every_replica_tolerant_page_and_list_reads_from_the_replica_when_it_is_current()
    {
        await app.CreateWorldAsync();
        await app.Standby.CatchUpAsync();
        var browser = await app.SignInAsync(DemoUsers.Manager);
        var api = app.ApiClient(DemoUsers.Manager);
        await app.Standby.CatchUpAsync();

        foreach (var page in new[] { "/leads", "/deals", "/pipeline", "/persons", "/organizations" })
        {
            (await ReadsFrom(browser, page)).Should().Be("replica", page);
        }

        foreach (var list in new[] { "/api/v2/deals", "/api/v2/persons", "/api/v2/organizations", "/api/v2/activities", "/api/v1/leads", "/api/v1/notes" })
        {
            (await ReadsFrom(api, list)).Should().Be("replica", list);
        }
    }

    [Fact]
    public async Task With_the_replica_stopped_every_read_is_answered_from_the_primary_and_healthz_reports_it()
    {
        await app.CreateWorldAsync();
        var browser = await app.SignInAsync(DemoUsers.Manager);
        var api = app.ApiClient(DemoUsers.Manager);
        await app.Standby.CatchUpAsync();
        // Pooled connections to the replica exist now, so the first reads after the stop fail on them mid-request.
        (await ReadsFrom(api, "/api/v2/deals")).Should().Be("replica");
        (await ReadsFrom(browser, "/leads")).Should().Be("replica");
        using (var healthy = await app.ApiClient(token: null).GetAsync("/healthz"))
        {
            var body = JsonDocument.Parse(await healthy.Content.ReadAsStringAsync()).RootElement;
            body.GetProperty("status").GetString().Should().Be("Healthy");
            body.GetProperty("replica").GetProperty("lag_bytes").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        }

        await app.Standby.StopServerAsync();
        try
        {
            foreach (var (client, path) in new[] { (api, "/api/v2/deals"), (browser, "/leads"), (browser, "/deals"), (browser, "/pipeline"), (api, "/api/v1/leads") })
            {
                using var response = await client.GetAsync(path);
                response.StatusCode.Should().Be(HttpStatusCode.OK, "{0} ({1})", path, string.Join(" | ", app.Log.Lines.TakeLast(3)));
                response.Headers.GetValues(ReadYourWrites.ReadsHeader).Single().Should().Be("primary", path);
            }

            using var degraded = await app.ApiClient(token: null).GetAsync("/healthz");
            degraded.StatusCode.Should().Be(HttpStatusCode.OK, "an instance without its replica still serves everything");
            var status = JsonDocument.Parse(await degraded.Content.ReadAsStringAsync()).RootElement;
            status.GetProperty("status").GetString().Should().Be("Degraded");
        }
        finally
        {
            await app.Standby.StartServerAsync();
        }

        await app.Standby.CatchUpAsync();
        await Task.Delay(ReadReplica.RetryAfterFailure + TimeSpan.FromMilliseconds(500));
        (await ReadsFrom(api, "/api/v2/deals")).Should().Be("replica", "reads go back to the replica once it answers again");
    }

    [Fact]
    public async Task Replica_contexts_share_the_primary_contexts_model_so_compiled_queries_are_not_rebuilt()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var primary = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        await using var replica = await scope.ServiceProvider.GetRequiredService<ReadReplica>().TryCreateContextAsync(0, CancellationToken.None);

        replica.Should().NotBeNull();
        replica!.Model.Should().BeSameAs(primary.Model);
    }

    private static async Task<string> ReadsFrom(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return response.Headers.GetValues(ReadYourWrites.ReadsHeader).Single();
    }
}
