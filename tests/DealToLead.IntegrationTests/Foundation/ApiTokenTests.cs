using System.Net;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Foundation;

public class ApiTokenTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_missing_token_gets_401_in_the_error_envelope()
    {
        var response = await App.ApiClient(token: null).GetAsync("/api/v1/users/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("success").GetBoolean().Should().BeFalse();
        body.GetProperty("error").GetString().Should().Contain("API token");
    }

    [Fact]
    public async Task A_wrong_token_gets_401()
    {
        var response = await App.ApiClient("0000000000000000000000000000000000000bad").GetAsync("/api/v1/users/me");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_right_token_in_the_header_is_accepted()
    {
        var response = await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/users/me");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("data").GetProperty("email").GetString().Should().Be(DemoUsers.Rep.Email);
    }

    [Fact]
    public async Task The_right_token_in_the_query_string_is_accepted()
    {
        var response = await App.ApiClient(token: null).GetAsync($"/api/v1/users/me?api_token={DemoUsers.Manager.ApiToken}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain(DemoUsers.Manager.Email);
    }

    [Fact]
    public async Task Tokens_are_stored_hashed_never_in_clear()
    {
        var stored = await App.WithDbAsync(db => db.Users.Select(u => u.ApiTokenHash).ToListAsync());

        stored.Should().HaveCount(DemoUsers.All.Count).And.OnlyContain(h => h != null && h.Length == 64);
        stored.Should().NotIntersectWith(DemoUsers.All.Select(u => u.ApiToken));
    }

    [Fact]
    public async Task A_cookie_does_not_authenticate_the_api()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.GetAsync("/api/v1/users/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var response = await App.ApiClient(token: null).GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("/api/v1/users/me");
    }
}
