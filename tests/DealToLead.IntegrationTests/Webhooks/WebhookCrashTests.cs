using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Soak;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Webhooks;

/// <summary>
/// The app as a real process, SIGKILLed while a webhook request is in flight (the receiver has the body and holds
/// the request open), then started again: the delivery is not sent a second time, and the restarted app goes on
/// delivering new events.
/// </summary>
public sealed class WebhookCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_delivery_in_flight_when_the_app_is_killed_is_not_sent_again_after_the_restart()
    {
        await using var database = await SoakDatabase.CreateAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.HoldRequests = true;
        var environment = SoakSettings.App(database.ConnectionString, smtpPort: 1,
            ("Webhooks__AllowPrivateAddresses", "true"),
            ("Webhooks__PollMilliseconds", "100"),
            ("Webhooks__TimeoutSeconds", "3"),
            ("Webhooks__ClaimGraceSeconds", "1"),
            ("BulkConversion__WorkerEnabled", "false"),
            ("Email__OutboxSenderEnabled", "false"));
        await using var app = await AppProcess.StartAsync("webhook-crash", environment, FreePortOutsideTheSoakRange());
        using var admin = Client(app, DemoUsers.Admin);
        using var rep = Client(app, DemoUsers.Rep);

        (await admin.PostAsJsonAsync("api/v1/webhooks", new { subscription_url = receiver.Url(), event_action = "create", event_object = "organization", name = "Crash" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        (await rep.PostAsJsonAsync("api/v2/organizations", new { name = "Before the crash" })).EnsureSuccessStatusCode();
        var inFlight = (await receiver.WaitForCountAsync(1, TimeSpan.FromSeconds(30)))[0];
        (await database.CountAsync("SELECT count(*) FROM webhook_deliveries WHERE status = 'Sending'")).Should().Be(1, "the request is in flight");

        await app.KillAsync();
        receiver.HoldRequests = false;
        await app.StartAsync();
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await database.CountAsync("SELECT count(*) FROM webhook_deliveries WHERE status = 'OutcomeUnknown'") == 0)
        {
            DateTime.UtcNow.Should().BeBefore(until, "the restarted app gives the abandoned claim up once its lease has passed");
            await Task.Delay(200);
        }

        (await rep.PostAsJsonAsync("api/v2/organizations", new { name = "After the restart" })).EnsureSuccessStatusCode();
        await receiver.WaitForCountAsync(2, TimeSpan.FromSeconds(30));
        await Task.Delay(2000);

        var received = receiver.Received;
        received.Should().HaveCount(2, "the delivery in flight at the kill is not sent again; the new one is sent");
        received.Count(r => r.EventId == inFlight.EventId).Should().Be(1);
        received[1].Body.GetProperty("data").GetProperty("name").GetString().Should().Be("After the restart");
        (await database.CountAsync("SELECT count(*) FROM webhook_deliveries WHERE status = 'Delivered'")).Should().Be(1);
        output.WriteLine("crash: 1 delivery in flight at SIGKILL → outcome unknown, sent 1 time; the next event delivered after the restart");
    }

    private static HttpClient Client(AppProcess app, DemoUser user)
    {
        var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-api-token", user.ApiToken);
        return client;
    }

    /// <summary>A port in 6180–6199, away from the 5600–5699 that a soak run on the same machine may be using.</summary>
    private static int FreePortOutsideTheSoakRange()
    {
        for (var port = 6180; port <= 6199; port++)
        {
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try the next.
            }
        }

        throw new InvalidOperationException("No free port in 6180-6199.");
    }
}
