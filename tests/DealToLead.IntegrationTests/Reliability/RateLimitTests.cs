using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>An app of its own with low limits, so the other tests are never throttled.</summary>
public sealed class RateLimitedApp : DealToLeadApp
{
    public RateLimitedApp()
    {
        Settings["RateLimiting:SignInPerMinute"] = "3";
        Settings["RateLimiting:ApiPerMinute"] = "6";
    }
}

[Collection(AppCollection.Name)]
public class RateLimitTests : IClassFixture<RateLimitedApp>
{
    private readonly RateLimitedApp _app;

    public RateLimitTests(RateLimitedApp app) => _app = app;

    [Fact]
    public async Task Sign_in_attempts_over_the_limit_get_429_with_retry_after()
    {
        var client = _app.ApiClient(token: null);
        var wrong = new Dictionary<string, string> { ["Input.Email"] = "nobody@dealtolead.local", ["Input.Password"] = "wrong-password" };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.PostFormAsync("/login", wrong);
            statuses.Add(last.StatusCode);
        }

        statuses.Should().Equal(HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests);
        last.Headers.RetryAfter.Should().NotBeNull();
        (await client.GetAsync("/login")).StatusCode.Should().Be(HttpStatusCode.OK, "showing the form is not limited");
    }

    [Fact]
    public async Task Api_calls_over_the_limit_get_429_json_with_retry_after_per_user()
    {
        var rep = _app.ApiClient(DemoUsers.Rep);
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 7; i++)
        {
            responses.Add(await rep.GetAsync("/api/v1/users/me"));
        }

        responses.Take(6).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses[6];
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.Should().NotBeNull();
        (await limited.Content.ReadAsStringAsync()).Should().Contain("\"success\":false");
        (await _app.ApiClient(DemoUsers.Manager).GetAsync("/api/v1/users/me")).StatusCode.Should().Be(HttpStatusCode.OK, "limits are per user");
    }
}
