using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;

namespace DealToLead.IntegrationTests.Reliability;

public partial class SecretsAndFormsTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task No_password_or_api_token_ever_appears_in_the_logs()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        await App.ApiClient(token: null).GetAsync($"/api/v1/users/me?api_token={DemoUsers.Manager.ApiToken}");
        await App.ApiClient(DemoUsers.Admin).GetAsync("/api/v1/users/me");
        await App.ApiClient("f00df00df00df00df00df00df00df00df00df00d").GetAsync("/api/v1/users/me");
        var regenerated = await client.PostFormAsync("/settings/profile?handler=RegenerateToken", new Dictionary<string, string>(), formPage: "/settings/profile");
        var newToken = NewToken().Match(await regenerated.Content.ReadAsStringAsync()).Groups[1].Value;

        newToken.Should().HaveLength(40);
        var lines = App.Log.Lines;
        lines.Should().NotBeEmpty("request logging is on");
        foreach (var secret in new[] { DemoUsers.Password, DemoUsers.Manager.ApiToken, DemoUsers.Admin.ApiToken, "f00df00df00df00df00df00df00df00df00df00d", newToken })
        {
            lines.Should().NotContain(line => line.Contains(secret, StringComparison.Ordinal), "secret {0} must not be logged", secret[..4] + "…");
        }
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_with_400()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostAsync("/settings/profile?handler=RegenerateToken", new FormUrlEncodedContent(new Dictionary<string, string>()));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_over_long_sign_in_field_gets_a_validation_message_not_an_error()
    {
        var response = await App.ApiClient(token: null).PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = new string('a', 300) + "@example.com",
            ["Input.Password"] = new string('p', 5000),
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("maximum length");
    }

    [GeneratedRegex("data-testid=\"api-token\">([0-9a-f]{40})<")]
    private static partial Regex NewToken();
}
