using System.Net;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

public class AdminApiTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task Users_are_listed_with_role_status_and_set()
    {
        var body = await GetJsonAsync(App.ApiClient(DemoUsers.Rep), "/api/v1/users");

        var users = body.GetProperty("data").EnumerateArray().ToDictionary(u => u.GetProperty("email").GetString()!);
        users.Keys.Should().BeEquivalentTo(DemoUsers.All.Select(u => u.Email));
        users[DemoUsers.Admin.Email].GetProperty("is_admin").GetBoolean().Should().BeTrue();
        users[DemoUsers.Admin.Email].GetProperty("permission_set_id").ValueKind.Should().Be(JsonValueKind.Null);
        users[DemoUsers.Rep.Email].GetProperty("permission_set_id").GetInt32().Should().Be(1);
        users[DemoUsers.Rep.Email].GetProperty("active_flag").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task An_admin_gets_the_permission_sets_with_their_contents_and_assignments()
    {
        var api = App.ApiClient(DemoUsers.Admin);

        var list = (await GetJsonAsync(api, "/api/v1/permissionSets")).GetProperty("data").EnumerateArray().ToList();
        var restricted = list.Single(s => s.GetProperty("name").GetString() == DemoUsers.RestrictedSetName);
        var detail = (await GetJsonAsync(api, $"/api/v1/permissionSets/{restricted.GetProperty("id").GetString()}")).GetProperty("data");

        list.Select(s => s.GetProperty("name").GetString()).Should().Equal("Regular user (default)", "Manager", DemoUsers.RestrictedSetName);
        list[0].GetProperty("contents").EnumerateArray().Select(p => p.GetString()).Should().Contain("convert_deals_to_leads");
        restricted.GetProperty("contents").EnumerateArray().Select(p => p.GetString()).Should().NotContain("convert_deals_to_leads");
        restricted.GetProperty("assignment_count").GetInt32().Should().Be(1);
        detail.GetProperty("assignments").EnumerateArray().Single().GetProperty("name").GetString().Should().Be(DemoUsers.Restricted.DisplayName);
    }

    [Fact]
    public async Task An_unknown_permission_set_is_404()
    {
        var response = await App.ApiClient(DemoUsers.Admin).GetAsync("/api/v1/permissionSets/999");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_deactivated_admins_token_gets_401_from_the_admin_api()
    {
        await App.WithDbAsync(db => db.Users.Where(u => u.Email == DemoUsers.Admin.Email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false)));

        var response = await App.ApiClient(DemoUsers.Admin).GetAsync("/api/v1/permissionSets");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        return body;
    }
}
