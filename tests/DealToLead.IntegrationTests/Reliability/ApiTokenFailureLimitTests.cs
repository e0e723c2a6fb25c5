using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Reliability;

public class ApiTokenFailureLimitTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task After_the_limit_of_invalid_tokens_an_address_gets_429_without_a_database_lookup_and_other_addresses_are_unaffected()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b =>
        {
            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimiting:FailedApiTokensPerMinute"] = "5" }));
            b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter).AddSingleton<IStartupFilter, TestClientAddress>());
        });
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        counter.CountOnlyRequestsOf(host.Services);
        async Task<HttpResponseMessage> Call(string token, string address)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
            request.Headers.Add("x-api-token", token);
            request.Headers.Add(TestClientAddress.Header, address);
            return await client.SendAsync(request);
        }

        var first = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            first.Add((await Call(Guid.NewGuid().ToString("N"), "203.0.113.7")).StatusCode);
        }

        counter.Reset();
        var later = new List<HttpResponseMessage>();
        for (var i = 0; i < 50; i++)
        {
            later.Add(await Call(Guid.NewGuid().ToString("N"), "203.0.113.7"));
        }

        first.Should().AllBeEquivalentTo(HttpStatusCode.Unauthorized);
        later.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.TooManyRequests);
        later[0].Headers.RetryAfter.Should().NotBeNull();
        counter.Count.Should().Be(0, "a blocked address costs the database nothing");
        (await Call(Guid.NewGuid().ToString("N"), "203.0.113.8")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Call(DemoUsers.Rep.ApiToken, "203.0.113.9")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
