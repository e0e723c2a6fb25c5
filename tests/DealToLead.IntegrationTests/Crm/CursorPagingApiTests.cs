using System.Net;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>Issue 18, item 1: v2 lists page with opaque keyset cursors as Pipedrive's SDK expects; v1 lists keep start and limit.</summary>
public class CursorPagingApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>Five of each kind: deals (with one activity each), persons, organizations; the world adds 2 pipelines and 5 stages.</summary>
    private async Task<CrmWorld> FiveOfEachAsync()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < 5; i++)
            {
                await new DealBuilder(rep).Titled($"Deal {i}").InStage(world.SalesId, world.SalesStages[0]).WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0, invoices: 0, history: 0).BuildAsync(db);
            }

            db.Pipelines.Add(new Pipeline { Name = "Renewals", OrderNr = 2, Stages = [new() { Name = "Due", OrderNr = 0 }] });
            await db.SaveChangesAsync();
        });
        return world;
    }

    /// <summary>Follows next_cursor from the first page to the last; every page but the last is full.</summary>
    private static async Task<List<int>> WalkAsync(HttpClient api, string url, int limit)
    {
        var ids = new List<int>();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var response = await api.GetAsync($"{url}{separator}limit={limit}{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var body = await BodyAsync(response);
            var data = body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ToList();
            ids.AddRange(data);
            var next = body.GetProperty("additional_data").GetProperty("next_cursor");
            if (next.ValueKind == JsonValueKind.Null)
            {
                return ids;
            }

            data.Should().HaveCount(limit, "only the last page may be short");
            cursor = next.GetString();
        }

        throw new InvalidOperationException("The list never ended.");
    }

    [Theory]
    [InlineData("/api/v2/deals")]
    [InlineData("/api/v2/deals?sort_by=update_time&sort_direction=desc")]
    [InlineData("/api/v2/activities")]
    [InlineData("/api/v2/activities?sort_by=due_date&sort_direction=desc")]
    [InlineData("/api/v2/persons?sort_by=add_time")]
    [InlineData("/api/v2/organizations")]
    [InlineData("/api/v2/pipelines")]
    [InlineData("/api/v2/stages?sort_by=order_nr")]
    public async Task Every_v2_list_pages_with_cursor_and_limit_until_next_cursor_is_null(string url)
    {
        await FiveOfEachAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var walked = await WalkAsync(api, url, limit: 2);

        var path = url.Split('?')[0];
        var expected = await App.WithDbAsync(db => path switch
        {
            "/api/v2/deals" => db.Deals.Select(d => d.Id).ToListAsync(),
            "/api/v2/activities" => db.Activities.Select(a => a.Id).ToListAsync(),
            "/api/v2/persons" => db.Persons.Select(p => p.Id).ToListAsync(),
            "/api/v2/organizations" => db.Organizations.Select(o => o.Id).ToListAsync(),
            "/api/v2/pipelines" => db.Pipelines.Select(p => p.Id).ToListAsync(),
            _ => db.Stages.Select(s => s.Id).ToListAsync(),
        });
        expected.Count.Should().BeGreaterThan(2, "the list needs more than one page");
        walked.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(expected);
    }

    [Fact]
    public async Task A_sort_with_ties_pages_in_sort_key_then_id_order_without_losing_a_row()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        for (var i = 0; i < 7; i++)
        {
            await App.AddDealAsync(world, rep, $"Deal {i}");
        }

        // Three deals share one update time, so only the id decides their order.
        var ids = await App.WithDbAsync(db => db.Deals.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync());
        var tie = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < ids.Count; i++)
            {
                var at = i is 1 or 3 or 5 ? tie : tie.AddMinutes(i - 3);
                await db.Deals.Where(d => d.Id == ids[i]).ExecuteUpdateAsync(s => s.SetProperty(d => d.UpdatedAt, at));
            }
        });
        var expected = await App.WithDbAsync(db => db.Deals.OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id).Select(d => d.Id).ToListAsync());

        var walked = await WalkAsync(App.ApiClient(DemoUsers.Rep), "/api/v2/deals?sort_by=update_time&sort_direction=desc", limit: 2);

        walked.Should().Equal(expected);
    }

    [Fact]
    public async Task A_cursor_stays_correct_when_rows_are_inserted_and_deleted_between_pages()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var ids = new List<int>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await App.AddDealAsync(world, rep, $"Deal {i}"));
        }

        var api = App.ApiClient(DemoUsers.Rep);
        var first = await BodyAsync(await api.GetAsync("/api/v2/deals?limit=3"));
        first.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).Should().Equal(ids[0], ids[1], ids[2]);
        var cursor = first.GetProperty("additional_data").GetProperty("next_cursor").GetString()!;

        // Between the pages: a deal already seen and the deal that would have opened page 2 are deleted, one is added.
        await App.WithDbAsync(db => db.Deals.Where(d => d.Id == ids[1] || d.Id == ids[3]).ExecuteDeleteAsync());
        var added = await App.AddDealAsync(world, rep, "Added between pages");

        var second = await BodyAsync(await api.GetAsync($"/api/v2/deals?limit=3&cursor={Uri.EscapeDataString(cursor)}"));
        second.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).Should().Equal(ids[4], ids[5], ids[6]);
        var third = await BodyAsync(await api.GetAsync($"/api/v2/deals?limit=3&cursor={Uri.EscapeDataString(second.GetProperty("additional_data").GetProperty("next_cursor").GetString()!)}"));
        third.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).Should().Equal(ids[7], added);
        third.GetProperty("additional_data").GetProperty("next_cursor").ValueKind.Should().Be(JsonValueKind.Null);
    }

    public static TheoryData<string> BadPagingRequests()
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var data = new TheoryData<string>
        {
            "/api/v2/deals?cursor=not-a-cursor!!",
            "/api/v2/deals?cursor=" + B64("not json"),
            "/api/v2/deals?cursor=" + B64("null"),
            "/api/v2/deals?cursor=" + B64("[1,2]"),
            "/api/v2/deals?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":\"yesterday\",\"i\":3}"),
            "/api/v2/deals?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":99999999999,\"i\":3}"),
            "/api/v2/deals?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":3,\"i\":99999999999}"),
            "/api/v2/deals?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":3,\"i\":3}") + "&sort_by=update_time",
            "/api/v2/deals?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":3,\"i\":3}") + "&sort_direction=desc",
            "/api/v2/deals?sort_by=update_time&cursor=" + B64("{\"s\":\"update_time\",\"d\":\"asc\",\"k\":\"0001-01-01T00:00:00+14:00\",\"i\":3}"),
            "/api/v2/deals?sort_by=update_time&cursor=" + B64("{\"s\":\"update_time\",\"d\":\"asc\",\"k\":12,\"i\":3}"),
            "/api/v2/deals?cursor=" + new string('A', 5000),
            "/api/v2/deals?sort_by=title",
            "/api/v2/deals?sort_direction=up",
            "/api/v2/pipelines?sort_by=update_time",
            "/api/v2/activities?cursor=%00",
        };
        foreach (var list in new[] { "deals", "activities", "persons", "organizations", "pipelines", "stages" })
        {
            data.Add($"/api/v2/{list}?limit=0");
            data.Add($"/api/v2/{list}?limit=501");
            data.Add($"/api/v2/{list}?limit=-1");
        }

        data.Add("/api/v1/dealFields?limit=501");
        data.Add("/api/v1/dealFields?start=-1");
        data.Add("/api/v1/notes?limit=0");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadPagingRequests))]
    public async Task A_garbage_or_foreign_cursor_and_a_limit_out_of_range_are_a_400_in_the_envelope(string url)
    {
        await App.CreateWorldAsync();

        var response = await App.ApiClient(DemoUsers.Rep).GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await BodyAsync(response)).GetProperty("success").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Limit_is_honoured_by_pipelines_stages_and_deal_fields()
    {
        await FiveOfEachAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        (await BodyAsync(await api.GetAsync("/api/v2/pipelines?limit=1"))).GetProperty("data").GetArrayLength().Should().Be(1);
        (await BodyAsync(await api.GetAsync("/api/v2/stages?limit=2"))).GetProperty("data").GetArrayLength().Should().Be(2);
        var fields = await BodyAsync(await api.GetAsync("/api/v1/dealFields?limit=3"));
        fields.GetProperty("data").GetArrayLength().Should().Be(3);
        var pagination = fields.GetProperty("additional_data").GetProperty("pagination");
        pagination.GetProperty("start").GetInt32().Should().Be(0);
        pagination.GetProperty("limit").GetInt32().Should().Be(3);
        pagination.GetProperty("more_items_in_collection").GetBoolean().Should().BeTrue();
        pagination.GetProperty("next_start").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task V1_lists_keep_start_and_limit_and_the_last_page_has_no_next_start()
    {
        await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);
        var total = (await BodyAsync(await api.GetAsync("/api/v1/dealFields"))).GetProperty("data").GetArrayLength();

        var last = await BodyAsync(await api.GetAsync($"/api/v1/dealFields?start={total - 2}&limit=5"));

        last.GetProperty("data").GetArrayLength().Should().Be(2);
        var pagination = last.GetProperty("additional_data").GetProperty("pagination");
        pagination.GetProperty("start").GetInt32().Should().Be(total - 2);
        pagination.GetProperty("more_items_in_collection").GetBoolean().Should().BeFalse();
        pagination.TryGetProperty("next_start", out _).Should().BeFalse("Pipedrive leaves next_start out on the last page; the SDK types it as a number");
    }
}
