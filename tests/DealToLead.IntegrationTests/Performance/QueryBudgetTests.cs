using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>
/// The pages the benchmark times must not grow an N+1 between benchmark runs: each page issues the same number of
/// SQL commands whether it shows a few rows or a full page. Not timed; counted.
/// </summary>
public sealed class QueryBudgetTests(DealToLeadApp app) : AppTest(app)
{
    // The same contracts as bench/DealToLead.Bench/Endpoints.cs.
    private const string InboxUrl = "/leads?source=Deal&sort=created&page=1";
    private const string BoardUrl = "/pipeline?pipelineId={0}";
    private const int PageBudget = 12;

    [Fact]
    public async Task The_current_user_endpoint_reads_the_database_a_fixed_small_number_of_times()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("x-api-token", DemoUsers.Rep.ApiToken);

        var first = await CountAsync(counter, client, "/api/v1/users/me");
        var second = await CountAsync(counter, client, "/api/v1/users/me");

        first.Should().BeGreaterThan(0, "the interceptor registered in the host must see the app's commands");
        second.Should().Be(first);
        first.Should().BeLessThanOrEqualTo(2, "the token lookup brings the permissions; then the user row");
    }

    [Fact]
    public async Task The_leads_inbox_issues_as_many_commands_for_a_full_page_as_for_three_leads()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        await AddLeadsAsync(3, first: 0);
        await CountAsync(counter, client, InboxUrl); // the first request of a host loads what it caches
        var forFew = await CountAsync(counter, client, InboxUrl);

        await AddLeadsAsync(60, first: 3);
        var forFullPage = await CountAsync(counter, client, InboxUrl);

        forFullPage.Should().Be(forFew);
        forFew.Should().BeLessThanOrEqualTo(PageBudget);
    }

    [Fact]
    public async Task An_inbox_page_is_three_commands_the_user_the_ids_with_their_count_and_the_rows_with_their_next_activities()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        await AddLeadsAsync(60, first: 0);
        await CountAsync(counter, client, InboxUrl);

        var commands = await CountAsync(counter, client, InboxUrl);

        commands.Should().Be(3, "each command is a round trip and a parse, bind and execute in PostgreSQL on every view of the inbox");
    }

    [Theory]
    [InlineData("/leads?q=inbox%20lead")]
    [InlineData("/leads?q=box%20org&source=Deal&sort=Title&dir=asc&p=1")]
    public async Task The_inbox_search_issues_as_many_commands_for_a_full_page_of_matches_as_for_three(string url)
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        await AddLeadsAsync(3, first: 0);
        await CountAsync(counter, client, url); // the first request of a host loads what it caches
        var forFew = await CountAsync(counter, client, url);

        await AddLeadsAsync(60, first: 3);
        var forFullPage = await CountAsync(counter, client, url);

        forFullPage.Should().Be(forFew);
        forFew.Should().Be(3, "a search's page is the user, the page of the newest matches (no count) and the rows");
        TextFilterRuns(counter).Should().Be(1, "the text filter runs once, for the page; nothing counts the 63 matches");
    }

    [Fact]
    public async Task The_deal_list_search_issues_as_many_commands_for_a_full_page_of_matches_as_for_three()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        var pipelineId = await CreatePipelineAsync(stages: 3);
        await AddDealsAsync(pipelineId, 3, first: 0);
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var url = $"/deals?Status=Open&OwnerId={rep}&MinValue=1000&Search=board%20org";
        await CountAsync(counter, client, url); // the first request of a host loads what it caches
        var forFew = await CountAsync(counter, client, url);

        await AddDealsAsync(pipelineId, 160, first: 3);
        var forFullPage = await CountAsync(counter, client, url);

        forFullPage.Should().Be(forFew);
        forFew.Should().BeLessThanOrEqualTo(PageBudget);
        TextFilterRuns(counter).Should().Be(1, "the 163 matches are collected by id once, then counted and sorted from those ids");
    }

    [Fact]
    public async Task The_pipeline_board_issues_as_many_commands_for_eighty_deals_as_for_three()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        var pipelineId = await CreatePipelineAsync(stages: 8);
        await AddDealsAsync(pipelineId, 3, first: 0);
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, BoardUrl, pipelineId);
        await CountAsync(counter, client, url); // the first request of a host loads what it caches
        var forFew = await CountAsync(counter, client, url);

        await AddDealsAsync(pipelineId, 80, first: 3);
        var forMany = await CountAsync(counter, client, url);

        forMany.Should().Be(forFew);
        forFew.Should().BeLessThanOrEqualTo(PageBudget);
    }

    [Fact]
    public async Task A_lead_cursor_page_is_one_index_range_with_no_offset_and_as_many_commands_deep_as_near_the_start()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("x-api-token", DemoUsers.Manager.ApiToken);
        await AddLeadsAsync(63, first: 0);
        var cursors = new List<string>();
        var cursor = "";
        for (var walked = 0; walked < 20; walked++)
        {
            using var response = await client.GetAsync($"/api/v1/leads?limit=3{(walked == 0 ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            cursor = body.GetProperty("additional_data").GetProperty("next_cursor").GetString()!;
            cursors.Add(cursor);
        }

        var near = await CountAsync(counter, client, $"/api/v1/leads?limit=3&cursor={Uri.EscapeDataString(cursors[0])}");
        var deep = await CountAsync(counter, client, $"/api/v1/leads?limit=3&cursor={Uri.EscapeDataString(cursors[^1])}");

        deep.Should().Be(near);
        var page = counter.Commands.Single(c => c.Contains("FROM leads", StringComparison.Ordinal) && c.Contains("LIMIT", StringComparison.Ordinal));
        page.Should().NotContain("OFFSET").And.MatchRegex(@"\(l\.created_at, l\.id\) < \(");
    }

    [Fact]
    public async Task An_inbox_page_opened_by_next_is_one_index_range_with_no_offset_and_as_many_commands_deep_as_near_the_start()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        await AddLeadsAsync(160, first: 0);
        var second = NextLink(await client.GetStringAsync("/leads?source=Deal&sort=Created"));
        var third = NextLink(await client.GetStringAsync(second));

        var near = await CountAsync(counter, client, second);
        var deep = await CountAsync(counter, client, third);

        deep.Should().Be(near);
        var page = counter.Commands.Single(c => c.Contains("FROM leads", StringComparison.Ordinal) && c.Contains("LIMIT", StringComparison.Ordinal));
        page.Should().NotContain("OFFSET").And.MatchRegex(@"\(l\.created_at, l\.id\) < \(");
    }

    [Fact]
    public async Task A_single_conversion_loads_its_deal_with_a_statement_that_reuses_one_generic_plan()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var api = host.CreateClient();
        api.DefaultRequestHeaders.Add("x-api-token", DemoUsers.Rep.ApiToken);
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var deal = await App.WithDbAsync(db => new DealBuilder(rep).Titled("Planned conversion").BuildAsync(db));

        counter.Reset();
        using var response = await api.PostAsync($"/api/v2/deals/{deal.Id}/convert/lead", null);

        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        var load = counter.Copies.First(c => c.CommandText.Contains("FROM deals AS d", StringComparison.Ordinal));
        (await PlansAsync(load)).Generic.Should().BeGreaterThan(0, "PostgreSQL should settle on one plan for\n{0}", load.CommandText);
    }

    [Fact]
    public async Task The_inbox_as_it_opens_counts_its_leads_on_one_generic_plan_that_ends_with_the_statement()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = await SignInAsync(host);
        await AddLeadsAsync(3, first: 0);
        var rep = await App.UserIdAsync(DemoUsers.Rep);

        await CountAsync(counter, client, InboxUrl);
        var counted = counter.Copies.Single(c => c.CommandText.Contains("count(*)", StringComparison.Ordinal));
        await CountAsync(counter, client, $"/leads?owner={rep}");
        var filtered = counter.Commands.Single(c => c.Contains("count(*)", StringComparison.Ordinal));

        var plans = await PlansAsync(counted, of: "FROM leads");
        plans.Should().Be((8L, 0L), "(generic, custom): PostgreSQL should run one plan for every execution, not plan the first five for their limits:\n{0}", counted.CommandText);
        await using (var connection = new Npgsql.NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync();
            counted.Connection = connection;
            await (await counted.ExecuteReaderAsync()).DisposeAsync();
            await using var mode = new Npgsql.NpgsqlCommand("SHOW plan_cache_mode", connection);
            (await mode.ExecuteScalarAsync()).Should().Be("auto", "the setting lasts only for the counted statement");
        }

        filtered.Should().NotContain("plan_cache_mode", "an owner filter's rows differ too much between owners for one plan to fit them all");
    }

    /// <summary>
    /// Prepares the statement on a connection of its own, runs it eight times, past PostgreSQL's five custom plans, and
    /// says how often it ran on the generic plan and on a custom one, for the statements whose text contains
    /// <paramref name="of"/> (all without it).
    /// </summary>
    private async Task<(long Generic, long Custom)> PlansAsync(Npgsql.NpgsqlCommand statement, string of = "")
    {
        await using var connection = new Npgsql.NpgsqlConnection(App.ConnectionString);
        await connection.OpenAsync();
        statement.Connection = connection;
        await statement.PrepareAsync();
        for (var run = 0; run < 8; run++)
        {
            await using var reader = await statement.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
            }
        }

        await using var plans = new Npgsql.NpgsqlCommand(
            "SELECT coalesce(sum(generic_plans), 0)::bigint, coalesce(sum(custom_plans), 0)::bigint FROM pg_prepared_statements WHERE strpos(statement, $1) > 0", connection);
        plans.Parameters.Add(new Npgsql.NpgsqlParameter { Value = of });
        await using var counts = await plans.ExecuteReaderAsync();
        await counts.ReadAsync();
        return (counts.GetInt64(0), counts.GetInt64(1));
    }

    private static string NextLink(string html) =>
        System.Net.WebUtility.HtmlDecode(Regex.Match(html, "href=\"([^\"]*)\" rel=\"next\"").Groups[1].Value);

    /// <summary>
    /// How often the last request's commands test the search text, each with the pattern inlined, so that PostgreSQL
    /// plans every term for itself rather than reusing a generic plan (docs/decisions/0023).
    /// </summary>
    private static int TextFilterRuns(SqlCommandCounter counter)
    {
        var tests = counter.Commands.SelectMany(c => Regex.Matches(c, @"search_text LIKE ('[^']*'|\S+)( ESCAPE '\\')?")).ToList();
        tests.Should().OnlyContain(t => t.Groups[1].Value.StartsWith('\'') && t.Groups[2].Success, "the pattern is a literal with its escape named");
        return tests.Count;
    }

    private static async Task<int> CountAsync(SqlCommandCounter counter, HttpClient client, string url)
    {
        counter.Reset();
        using var response = await client.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "{0} should answer", url);
        return counter.Count;
    }

    private static async Task<HttpClient> SignInAsync(WebApplicationFactory<Program> host)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Password"] = DemoUsers.Password,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return client;
    }

    /// <summary>Leads from source Deal, each with its own person, organization, owner and labels: whatever a page could look up per row.</summary>
    private async Task AddLeadsAsync(int count, int first)
    {
        var owners = new[] { await App.UserIdAsync(DemoUsers.Rep), await App.UserIdAsync(DemoUsers.Manager), await App.UserIdAsync(DemoUsers.Admin) };
        await App.WithDbAsync(async db =>
        {
            var labels = await db.LeadLabels.Select(l => l.Id).ToListAsync();
            if (labels.Count == 0)
            {
                var hot = new LeadLabel { Id = Guid.NewGuid(), Name = "Hot", Color = LeadLabelColor.Red, CreatedAt = DateTimeOffset.UtcNow };
                var cold = new LeadLabel { Id = Guid.NewGuid(), Name = "Cold", Color = LeadLabelColor.Blue, CreatedAt = DateTimeOffset.UtcNow };
                db.LeadLabels.AddRange(hot, cold);
                labels = [hot.Id, cold.Id];
            }

            for (var i = first; i < first + count; i++)
            {
                var organization = new Organization { Name = $"Inbox org {i}" };
                db.Leads.Add(new Lead
                {
                    Id = Guid.NewGuid(),
                    Title = $"Inbox lead {i}",
                    ValueAmount = 100 + i,
                    ValueCurrency = "EUR",
                    OwnerId = owners[i % owners.Length],
                    Person = new Person { Name = $"Inbox person {i}", Organization = organization },
                    Organization = organization,
                    Source = LeadSource.Deal,
                    LabelIds = [labels[i % labels.Count]],
                    CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-i),
                });
            }

            await db.SaveChangesAsync();
        });
    }

    private async Task<int> CreatePipelineAsync(int stages) => await App.WithDbAsync(async db =>
    {
        var pipeline = new Pipeline { Name = "Board budget", IsDefault = true };
        pipeline.Stages.AddRange(Enumerable.Range(1, stages).Select(s => new Stage { Name = $"Stage {s}", OrderNr = s }));
        db.Pipelines.Add(pipeline);
        await db.SaveChangesAsync();
        return pipeline.Id;
    });

    private async Task AddDealsAsync(int pipelineId, int count, int first)
    {
        var owners = new[] { await App.UserIdAsync(DemoUsers.Rep), await App.UserIdAsync(DemoUsers.Manager), await App.UserIdAsync(DemoUsers.Admin) };
        await App.WithDbAsync(async db =>
        {
            var stages = await db.Stages.Where(s => s.PipelineId == pipelineId).OrderBy(s => s.OrderNr).Select(s => s.Id).ToListAsync();
            for (var i = first; i < first + count; i++)
            {
                var organization = new Organization { Name = $"Board org {i}" };
                db.Deals.Add(new Deal
                {
                    Title = $"Board deal {i}",
                    ValueAmount = 1_000 + i,
                    OwnerId = owners[i % owners.Length],
                    Person = new Person { Name = $"Board person {i}", Organization = organization },
                    Organization = organization,
                    PipelineId = pipelineId,
                    StageId = stages[i % stages.Count],
                    Labels = [i % 2 == 0 ? "Hot" : "Warm"],
                });
            }

            await db.SaveChangesAsync();
        });
    }
}
