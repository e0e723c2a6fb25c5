using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Webhooks;
using DealToLead.Infrastructure.Seeding;
using DealToLead.Infrastructure.Webhooks;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Webhooks;

/// <summary>The app as it runs outside Development: private addresses are refused, when created and when sent.</summary>
public sealed class WebhookInputTests(DealToLeadApp app) : AppTest(app)
{
    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"subscription_url":"ftp://example.com/hook","event_action":"*","event_object":"*","name":"x"}""", "http:// or https://" },
        { """{"subscription_url":"/relative/hook","event_action":"*","event_object":"*","name":"x"}""", "absolute" },
        { """{"subscription_url":"https://user:pw@example.com/hook","event_action":"*","event_object":"*","name":"x"}""", "http_auth_user" },
        { """{"subscription_url":"https://example.com/hook","event_action":"*","event_object":"product","name":"x"}""", "event_object must be one of" },
        { """{"subscription_url":"https://example.com/hook","event_action":"updated","event_object":"deal","name":"x"}""", "event_action must be one of" },
        { """{"subscription_url":"https://example.com/hook","event_action":"*","event_object":"*"}""", "name is required" },
        { """{"event_action":"*","event_object":"*","name":"x"}""", "subscription_url is required" },
        { """{"subscription_url":"https://example.com/hook","event_object":"*","name":"x"}""", "event_action must be one of" },
        { """{"subscription_url":"https://example.com/hook","event_action":"*","event_object":"*","name":"x","version":"1.0"}""", "version must be 2.0" },
        { """{"subscription_url":"https://example.com/hook","event_action":"*","event_object":"*","name":"x","user_id":"not a number"}""", "user_id" },
        { """{"subscription_url":"https://example.com/hook","event_action":"*","event_object":"*","name":"x","user_id":999999}""", "user_id must be an active global admin" },
        { """[1,2]""", "JSON" },
        { """not json""", "JSON" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_clear_400_and_creates_nothing(string body, string message)
    {
        var response = await App.ApiClient(DemoUsers.Admin).PostAsync("/api/v1/webhooks", new StringContent(body, Encoding.UTF8, "application/json"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, json.ToString());
        json.GetProperty("success").GetBoolean().Should().BeFalse();
        json.GetProperty("error").GetString().Should().Contain(message);
        (await App.WithDbAsync(db => db.Webhooks.CountAsync())).Should().Be(0);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://192.168.0.10/hook")]
    [InlineData("http://172.16.5.4/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    public async Task Loopback_private_and_link_local_addresses_are_refused_unless_allowed(string url)
    {
        var response = await App.ApiClient(DemoUsers.Admin).PostAsJsonAsync("/api/v1/webhooks", new { subscription_url = url, event_action = "*", event_object = "*", name = "Internal" });
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, json.ToString());
        json.GetProperty("error").GetString().Should().Contain("loopback, private or link-local").And.Contain("Webhooks:AllowPrivateAddresses");
        (await App.WithDbAsync(db => db.Webhooks.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task A_private_address_is_refused_at_delivery_time_too()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // As if the host name had resolved to a public address when the webhook was created and to this one now.
        var adminId = await App.UserIdAsync(DemoUsers.Admin);
        await App.WithDbAsync(async db =>
        {
            db.Webhooks.Add(new Webhook { Name = "Rebound", SubscriptionUrl = receiver.Url(), EventAction = "*", EventObject = "*", UserId = adminId, OwnerId = adminId, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        (await App.ApiClient(DemoUsers.Rep).PostAsJsonAsync("/api/v2/organizations", new { name = "Acme" })).EnsureSuccessStatusCode();

        var until = DateTime.UtcNow.AddSeconds(30);
        WebhookDelivery? delivery;
        while ((delivery = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync())).Attempts == 0 || delivery.Status == WebhookDeliveryStatus.Sending)
        {
            DateTime.UtcNow.Should().BeBefore(until);
            await Task.Delay(100);
        }

        delivery.LastError.Should().Contain("loopback, private or link-local");
        delivery.Status.Should().Be(WebhookDeliveryStatus.Pending, "an attempt that never connected may be retried");
        receiver.Received.Should().BeEmpty();
    }

    [Fact]
    public async Task Webhooks_are_for_global_admins_only()
    {
        var response = await App.ApiClient(DemoUsers.Manager).PostAsJsonAsync("/api/v1/webhooks", new { subscription_url = "https://example.com/hook", event_action = "*", event_object = "*", name = "x" });
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/webhooks")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.ApiClient(DemoUsers.Rep).DeleteAsync("/api/v1/webhooks/1")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.ApiClient(DemoUsers.Admin).DeleteAsync("/api/v1/webhooks/424242")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public void The_address_rules_know_which_addresses_are_private()
    {
        foreach (var address in new[] { "127.0.0.1", "10.0.0.1", "172.31.255.255", "192.168.1.1", "169.254.0.1", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1" })
        {
            WebhookAddressPolicy.IsPrivate(System.Net.IPAddress.Parse(address)).Should().BeTrue(address);
        }

        foreach (var address in new[] { "93.184.216.34", "172.32.0.1", "8.8.8.8", "2606:4700::1111" })
        {
            WebhookAddressPolicy.IsPrivate(System.Net.IPAddress.Parse(address)).Should().BeFalse(address);
        }
    }
}
