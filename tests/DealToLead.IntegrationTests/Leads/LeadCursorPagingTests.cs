using System.Net;
using System.Text;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>Issue 21: /api/v1/leads keeps Pipedrive's start and limit and also pages by cursor, at the same cost at any depth.</summary>
public class LeadCursorPagingTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<string> Ids(JsonElement body) => body.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("id").GetString()!).ToList();

    /// <summary>Nine leads the rep sees (three created at the same instant, so the id breaks the tie), one archived, one another user's private lead.</summary>
    private async Task SeedAsync()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var at = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < 9; i++)
            {
                await new LeadBuilder(rep).Titled($"Lead {i}").CreatedAt(i < 3 ? at : at.AddMinutes(i)).BuildAsync(db);
            }

            await new LeadBuilder(rep).Titled("Archived").Archived().BuildAsync(db);
            await new LeadBuilder(manager).Titled("Manager's private").Private().BuildAsync(db);
        });
    }

    /// <summary>The first page by start (it carries next_cursor), then next_cursor until it is absent or null.</summary>
    private static async Task<List<string>> WalkAsync(HttpClient api, string sort)
    {
        var first = await BodyAsync(await api.GetAsync($"/api/v1/leads?limit=2{sort}"));
        var ids = Ids(first);
        var next = first.GetProperty("additional_data").TryGetProperty("next_cursor", out var c) ? c.GetString() : null;
        for (var page = 0; next is not null; page++)
        {
            page.Should().BeLessThan(20, "the walk must end");
            var body = await BodyAsync(await api.GetAsync($"/api/v1/leads?limit=2{sort}&cursor={Uri.EscapeDataString(next)}"));
            Ids(body).Should().NotBeEmpty();
            ids.AddRange(Ids(body));
            var cursor = body.GetProperty("additional_data").GetProperty("next_cursor");
            next = cursor.ValueKind == JsonValueKind.Null ? null : cursor.GetString();
        }

        return ids;
    }

    [Theory]
    [InlineData("")]
    [InlineData("&sort=add_time%20ASC")]
    [InlineData("&sort=id")]
    [InlineData("&sort=id%20DESC")]
    [InlineData("&sort=update_time%20DESC")]
    public async Task A_cursor_walk_returns_every_visible_lead_once_in_the_order_of_the_whole_list(string sort)
    {
        await SeedAsync();
        var api = App.ApiClient(DemoUsers.Rep);
        var whole = Ids(await BodyAsync(await api.GetAsync($"/api/v1/leads?limit=500{sort}")));

        var walked = await WalkAsync(api, sort);

        whole.Should().HaveCount(9);
        walked.Should().Equal(whole);
    }

    [Fact]
    public async Task A_lead_added_before_the_cursor_does_not_shift_the_next_page_as_an_offset_does()
    {
        await SeedAsync();
        var api = App.ApiClient(DemoUsers.Rep);
        var first = await BodyAsync(await api.GetAsync("/api/v1/leads?limit=3"));
        var cursor = first.GetProperty("additional_data").GetProperty("next_cursor").GetString()!;
        var byOffset = Ids(await BodyAsync(await api.GetAsync("/api/v1/leads?limit=3&start=3")));

        // Newest first: a lead added now sorts before everything already seen.
        await App.WithDbAsync(async db => await new LeadBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled("Added between pages").BuildAsync(db));

        Ids(await BodyAsync(await api.GetAsync($"/api/v1/leads?limit=3&cursor={Uri.EscapeDataString(cursor)}"))).Should().Equal(byOffset);
        Ids(await BodyAsync(await api.GetAsync("/api/v1/leads?limit=3&start=3")))[0].Should().Be(Ids(first)[2], "the offset page now repeats the last lead of page 1");
    }

    public static TheoryData<string> BadCursorRequests()
    {
        static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new TheoryData<string>
        {
            "/api/v1/leads?cursor=not-a-cursor!!",
            "/api/v1/leads?cursor=" + B64("{\"s\":\"add_time\",\"d\":\"desc\",\"k\":\"2026-11-01T09:00:00Z\",\"i\":3}"),
            "/api/v1/leads?cursor=" + B64("{\"s\":\"add_time\",\"d\":\"desc\",\"k\":\"2026-11-01T09:00:00Z\",\"i\":\"not a uuid\"}"),
            "/api/v1/leads?cursor=" + B64("{\"s\":\"add_time\",\"d\":\"asc\",\"k\":\"2026-11-01T09:00:00Z\",\"i\":\"8c6f7bb4-6f39-4ed3-9f5e-2a6a3b0a1c11\"}"),
            "/api/v1/leads?cursor=" + B64("{\"s\":\"id\",\"d\":\"asc\",\"k\":3,\"i\":3}"),
            "/api/v1/leads?sort=title&cursor=" + B64("{\"s\":\"title\",\"d\":\"asc\",\"k\":\"A\",\"i\":\"8c6f7bb4-6f39-4ed3-9f5e-2a6a3b0a1c11\"}"),
            "/api/v1/leads?start=2&cursor=" + B64("{\"s\":\"add_time\",\"d\":\"desc\",\"k\":\"2026-11-01T09:00:00Z\",\"i\":\"8c6f7bb4-6f39-4ed3-9f5e-2a6a3b0a1c11\"}"),
            "/api/v1/leads/archived?limit=501&cursor=x",
        };
    }

    [Theory]
    [MemberData(nameof(BadCursorRequests))]
    public async Task A_foreign_or_garbage_cursor_or_one_beside_start_is_a_400(string url)
    {
        await SeedAsync();

        var response = await App.ApiClient(DemoUsers.Rep).GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("success").GetBoolean().Should().BeFalse();
    }
}
