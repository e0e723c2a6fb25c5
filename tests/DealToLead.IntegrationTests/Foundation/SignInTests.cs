using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;

namespace DealToLead.IntegrationTests.Foundation;

public class SignInTests(DealToLeadApp app) : AppTest(app)
{
    [Theory]
    [InlineData("/pipeline")]
    [InlineData("/deals")]
    [InlineData("/leads")]
    [InlineData("/settings")]
    public async Task An_anonymous_request_to_a_page_redirects_to_login(string path)
    {
        var client = App.ApiClient(token: null);

        var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().StartWith("http://localhost/login?ReturnUrl=" + Uri.EscapeDataString(path));
    }

    [Fact]
    public async Task The_login_page_and_health_check_are_open_to_anonymous_users()
    {
        var client = App.ApiClient(token: null);

        (await client.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK);
        var health = await client.GetAsync("/healthz");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        (await health.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task The_right_password_signs_in_and_shows_the_navigation()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);

        var page = await client.GetStringAsync("/pipeline");

        page.Should().Contain(DemoUsers.Rep.DisplayName)
            .And.Contain("href=\"/pipeline\"").And.Contain("href=\"/deals\"")
            .And.Contain("href=\"/leads\"").And.Contain("href=\"/settings\"");
    }

    [Fact]
    public async Task A_wrong_password_fails_and_locks_the_account_after_the_configured_count()
    {
        var client = App.ApiClient(token: null);
        var wrong = new Dictionary<string, string> { ["Input.Email"] = DemoUsers.Rep.Email, ["Input.Password"] = "not-the-password" };

        var first = await client.PostFormAsync("/login", wrong);
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        (await first.Content.ReadAsStringAsync()).Should().Contain("Wrong email or password.");

        await client.PostFormAsync("/login", wrong);
        var third = await client.PostFormAsync("/login", wrong);
        (await third.Content.ReadAsStringAsync()).Should().Contain("locked");

        var right = await client.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Password"] = DemoUsers.Password,
        });
        right.StatusCode.Should().Be(HttpStatusCode.OK, "a locked-out account stays locked even with the right password");
        (await right.Content.ReadAsStringAsync()).Should().Contain("locked");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync("/logout", new Dictionary<string, string>(), formPage: "/pipeline");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await client.GetAsync("/pipeline")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }
}
