using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;

namespace DealToLead.IntegrationTests.Webhooks;

/// <summary>
/// The app with private addresses allowed (the receiver is on 127.0.0.1), a fast sender and short retries, so
/// delivery, retry and pausing happen within a test.
/// </summary>
public sealed class WebhookApp : DealToLeadApp
{
    public const string PublicUrl = "http://crm.example.test";

    public override Task InitializeAsync()
    {
        Settings["App:PublicUrl"] = PublicUrl;
        Settings["Webhooks:AllowPrivateAddresses"] = "true";
        Settings["Webhooks:PollMilliseconds"] = "100";
        Settings["Webhooks:TimeoutSeconds"] = "3";
        Settings["Webhooks:ClaimGraceSeconds"] = "1";
        Settings["Webhooks:FirstRetrySeconds"] = "1";
        Settings["Webhooks:MaxRetrySeconds"] = "2";
        Settings["Webhooks:PauseAfterFailures"] = "3";
        Settings["Webhooks:PauseAfterMinutes"] = "0";
        return base.InitializeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookApp>
{
    public const string Name = "webhooks";
}

[Collection(WebhookCollection.Name)]
public abstract class WebhookTest(WebhookApp app) : IAsyncLifetime
{
    protected WebhookApp App { get; } = app;

    protected WebhookReceiver Receiver { get; private set; } = null!;

    protected HttpClient Admin => App.ApiClient(DemoUsers.Admin);

    protected HttpClient Rep => App.ApiClient(DemoUsers.Rep);

    public async Task InitializeAsync()
    {
        await App.ResetAsync();
        (await Admin.PostAsJsonAsync("/api/v2/pipelines", new { name = "Sales", is_default = true })).EnsureSuccessStatusCode();
        Receiver = await WebhookReceiver.StartAsync();
    }

    public async Task DisposeAsync() => await Receiver.DisposeAsync();

    protected async Task<JsonElement> CreateWebhookAsync(string eventAction = "*", string eventObject = "*", string? user = null, string? password = null, string? url = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/webhooks", new
        {
            subscription_url = url ?? Receiver.Url(),
            event_action = eventAction,
            event_object = eventObject,
            name = "Receiver",
            http_auth_user = user,
            http_auth_password = password,
        });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, body.ToString());
        return body.GetProperty("data");
    }

    protected static async Task<JsonElement> DataAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.IsSuccessStatusCode.Should().BeTrue(body.ToString());
        return body.GetProperty("data");
    }

    protected async Task<int> CreateOrganizationAsync(string name = "Acme")
    {
        var data = await DataAsync(await Rep.PostAsJsonAsync("/api/v2/organizations", new { name }));
        return data.GetProperty("id").GetInt32();
    }

    protected async Task<int> CreateDealAsync(int organizationId, string title = "Website redesign")
    {
        var data = await DataAsync(await Rep.PostAsJsonAsync("/api/v2/deals", new { title, org_id = organizationId, value = 1000 }));
        return data.GetProperty("id").GetInt32();
    }
}
