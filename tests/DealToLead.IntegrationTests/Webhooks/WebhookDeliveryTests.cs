using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Conversions;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using DealToLead.Infrastructure.Seeding;
using DealToLead.Infrastructure.Webhooks;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Webhooks;

public sealed class WebhookDeliveryTests(WebhookApp app, ITestOutputHelper output) : WebhookTest(app)
{
    [Fact]
    public async Task Each_change_is_delivered_once_with_basic_auth_in_Pipedrives_v2_shape()
    {
        var webhook = await CreateWebhookAsync(user: "hook-user", password: "s3cret-Hook-pass");
        var organizationId = await CreateOrganizationAsync();
        var sentAt = Receiver.Now;
        var dealId = await CreateDealAsync(organizationId);
        var created = await Receiver.WaitForAsync(r => r.Any(w => w.Event == "create.deal"));
        var latency = created.Single(w => w.Event == "create.deal").ReceivedAt - sentAt;
        (await Rep.PatchAsJsonAsync($"/api/v2/deals/{dealId}", new { title = "Website redesign, phase 2" })).EnsureSuccessStatusCode();
        // The deal as the API's lists give it: the single deal's extra cc_email (its Smart Bcc address) is not in webhooks.
        var single = System.Text.Json.Nodes.JsonNode.Parse((await DataAsync(await Rep.GetAsync($"/api/v2/deals/{dealId}"))).GetRawText())!.AsObject();
        single.Remove("cc_email").Should().BeTrue();
        var afterChange = JsonSerializer.SerializeToElement(single);
        (await Rep.DeleteAsync($"/api/v2/deals/{dealId}")).EnsureSuccessStatusCode();

        var received = await Receiver.WaitForCountAsync(4);
        await Task.Delay(500);
        received = Receiver.Received;
        received.Select(r => r.Event).Should().BeEquivalentTo(["create.organization", "create.deal", "change.deal", "delete.deal"]);
        received.Where(r => r.Meta.GetProperty("entity").GetString() == "deal").Select(r => r.Event).Should().Equal(["create.deal", "change.deal", "delete.deal"], "one record's events arrive in order");
        received.Select(r => r.EventId).Should().OnlyHaveUniqueItems();
        received.Should().AllSatisfy(r =>
        {
            r.Authorization.Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hook-user:s3cret-Hook-pass")));
            r.ContentType.Should().StartWith("application/json");
        });

        var change = received.Single(r => r.Event == "change.deal");
        var meta = change.Meta;
        meta.GetProperty("action").GetString().Should().Be("change");
        meta.GetProperty("entity").GetString().Should().Be("deal");
        meta.GetProperty("entity_id").GetString().Should().Be(dealId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Guid.TryParse(meta.GetProperty("id").GetString(), out _).Should().BeTrue();
        DateTimeOffset.TryParse(meta.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _).Should().BeTrue();
        meta.GetProperty("user_id").GetInt32().Should().Be(await App.UserIdAsync(DemoUsers.Rep));
        meta.GetProperty("company_id").GetInt32().Should().Be(1);
        meta.GetProperty("version").GetString().Should().Be("2.0");
        meta.GetProperty("webhook_id").GetInt32().Should().Be(webhook.GetProperty("id").GetInt32());
        Guid.TryParse(meta.GetProperty("correlation_id").GetString(), out _).Should().BeTrue();
        meta.GetProperty("change_source").GetString().Should().Be("api");
        meta.GetProperty("is_bulk_edit").GetBoolean().Should().BeFalse();
        meta.GetProperty("attempt").GetInt32().Should().Be(1);
        meta.GetProperty("host").GetString().Should().Be("crm.example.test");
        meta.GetProperty("type").GetString().Should().Be("general");
        // data is the deal exactly as the API returns it; previous holds the earlier values of what changed.
        JsonElement.DeepEquals(change.Body.GetProperty("data"), afterChange).Should().BeTrue($"data {change.Body.GetProperty("data")} should be the API's {afterChange}");
        var previous = change.Body.GetProperty("previous");
        previous.GetProperty("title").GetString().Should().Be("Website redesign");
        previous.EnumerateObject().Select(p => p.Name).Should().BeSubsetOf(["title", "update_time"]);
        received.Single(r => r.Event == "create.deal").Body.GetProperty("previous").ValueKind.Should().Be(JsonValueKind.Null);
        var deleted = received.Single(r => r.Event == "delete.deal").Body.GetProperty("data");
        deleted.GetProperty("is_deleted").GetBoolean().Should().BeTrue();

        var deliveries = await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync());
        deliveries.Should().HaveCount(4).And.AllSatisfy(d =>
        {
            d.Status.Should().Be(WebhookDeliveryStatus.Delivered);
            d.Attempts.Should().Be(1);
            d.LastHttpStatus.Should().Be(200);
        });
        output.WriteLine($"create.deal delivered {latency.TotalMilliseconds:F0} ms after the request started (sender polls every 100 ms here, 1 s by default)");
    }

    [Fact]
    public async Task Persons_organizations_activities_notes_and_leads_send_their_create_change_and_delete()
    {
        await CreateWebhookAsync();
        var organizationId = await CreateOrganizationAsync();
        (await Rep.PatchAsJsonAsync($"/api/v2/organizations/{organizationId}", new { name = "Acme Ltd" })).EnsureSuccessStatusCode();
        var person = await DataAsync(await Rep.PostAsJsonAsync("/api/v2/persons", new { name = "Ada", org_id = organizationId }));
        var personId = person.GetProperty("id").GetInt32();
        (await Rep.PatchAsJsonAsync($"/api/v2/persons/{personId}", new { name = "Ada Lovelace" })).EnsureSuccessStatusCode();
        var dealId = await CreateDealAsync(organizationId);
        var activity = await DataAsync(await Rep.PostAsJsonAsync("/api/v2/activities", new { subject = "Call", type = "call", due_date = "2030-01-02", deal_id = dealId }));
        (await Rep.PatchAsJsonAsync($"/api/v2/activities/{activity.GetProperty("id").GetInt32()}", new { done = true })).EnsureSuccessStatusCode();
        (await Rep.DeleteAsync($"/api/v2/activities/{activity.GetProperty("id").GetInt32()}")).EnsureSuccessStatusCode();
        var note = await DataAsync(await Rep.PostAsJsonAsync("/api/v1/notes", new { content = "<p>Hello</p>", deal_id = dealId }));
        (await Rep.PatchAsJsonAsync($"/api/v1/notes/{note.GetProperty("id").GetInt32()}", new { content = "<p>Hello again</p>" })).EnsureSuccessStatusCode();
        (await Rep.DeleteAsync($"/api/v1/notes/{note.GetProperty("id").GetInt32()}")).EnsureSuccessStatusCode();
        var lead = await DataAsync(await Rep.PostAsJsonAsync("/api/v1/leads", new { title = "Inbound", organization_id = organizationId }));
        var leadId = lead.GetProperty("id").GetString();
        (await Rep.PatchAsJsonAsync($"/api/v1/leads/{leadId}", new { title = "Inbound, qualified" })).EnsureSuccessStatusCode();
        (await Rep.DeleteAsync($"/api/v1/leads/{leadId}")).EnsureSuccessStatusCode();
        (await Rep.DeleteAsync($"/api/v2/persons/{personId}")).EnsureSuccessStatusCode();

        string[] expected =
        [
            "create.organization", "change.organization", "create.person", "change.person", "create.deal",
            "create.activity", "change.activity", "delete.activity", "create.note", "change.note", "delete.note",
            "create.lead", "change.lead", "delete.lead", "delete.person",
        ];
        var received = await Receiver.WaitForCountAsync(expected.Length);
        await Task.Delay(500);
        Receiver.Received.Select(r => r.Event).Should().BeEquivalentTo(expected, o => o.WithoutStrictOrdering());
        Receiver.Received.Single(r => r.Event == "change.lead").Body.GetProperty("previous").GetProperty("title").GetString().Should().Be("Inbound");
        Receiver.Received.Single(r => r.Event == "delete.lead").EntityId.Should().Be(leadId);
    }

    [Fact]
    public async Task A_conversion_sends_the_deals_deletion_and_the_leads_creation_and_back_to_a_deal_the_reverse()
    {
        await CreateWebhookAsync();
        var dealId = await CreateDealAsync(await CreateOrganizationAsync());
        await Receiver.WaitForCountAsync(2);

        (await Rep.PostAsync($"/api/v2/deals/{dealId}/convert/lead", null)).EnsureSuccessStatusCode();
        var converted = (await Receiver.WaitForCountAsync(4)).Skip(2).ToList();
        converted.Select(r => r.Event).Should().BeEquivalentTo(["delete.deal", "create.lead"]);
        converted.Select(r => r.Meta.GetProperty("correlation_id").GetString()).Distinct().Should().ContainSingle("both events belong to one conversion");
        var leadId = converted.Single(r => r.Event == "create.lead").EntityId;
        converted.Single(r => r.Event == "create.lead").Body.GetProperty("data").GetProperty("origin_id").GetString().Should().Be(dealId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        (await Rep.PostAsJsonAsync($"/api/v2/leads/{leadId}/convert/deal", new { })).EnsureSuccessStatusCode();
        var back = (await Receiver.WaitForCountAsync(6)).Skip(4).ToList();
        back.Select(r => r.Event).Should().BeEquivalentTo(["delete.lead", "create.deal"]);
        back.Single(r => r.Event == "delete.lead").EntityId.Should().Be(leadId);
        back.Select(r => r.Meta.GetProperty("correlation_id").GetString()).Distinct().Should().ContainSingle("both events belong to one conversion");
        await Task.Delay(500);
        Receiver.Received.Should().HaveCount(6, "each event is delivered once");
    }

    [Fact]
    public async Task Undoing_a_conversion_sends_the_leads_deletion_and_the_deals_return()
    {
        await CreateWebhookAsync();
        var dealId = await CreateDealAsync(await CreateOrganizationAsync());
        (await Rep.PostAsync($"/api/v2/deals/{dealId}/convert/lead", null)).EnsureSuccessStatusCode();
        var leadId = Guid.Parse((await Receiver.WaitForCountAsync(4)).Single(w => w.Event == "create.lead").EntityId);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Core.Data.CrmDbContext>();
            var rep = (await UserAccess.LoadAsync(db, await App.UserIdAsync(DemoUsers.Rep)))!;
            var undone = await scope.ServiceProvider.GetRequiredService<DealConversionService>().UndoDealToLeadAsync(rep, leadId);
            undone!.Succeeded.Should().BeTrue(undone.Reason);
        }

        var undo = (await Receiver.WaitForCountAsync(6)).Skip(4).ToList();
        undo.Select(r => r.Event).Should().BeEquivalentTo(["delete.lead", "create.deal"]);
        undo.Single(r => r.Event == "create.deal").Body.GetProperty("data").GetProperty("is_deleted").GetBoolean().Should().BeFalse();
        undo.Select(r => r.Meta.GetProperty("change_source").GetString()).Should().AllBe("app");
        undo.Select(r => r.Meta.GetProperty("correlation_id").GetString()).Distinct().Should().ContainSingle();
    }

    [Fact]
    public async Task A_bulk_job_sends_each_deals_deletion_and_its_leads_creation_once()
    {
        var organizationId = await CreateOrganizationAsync();
        var dealIds = new List<int>();
        for (var i = 0; i < 12; i++)
        {
            dealIds.Add(await CreateDealAsync(organizationId, $"Bulk deal {i}"));
        }

        await CreateWebhookAsync(eventAction: "*", eventObject: "*");
        var submittedAt = Receiver.Now;
        (await Rep.PostAsJsonAsync("/api/v2/deals/convert/lead", new { ids = dealIds })).EnsureSuccessStatusCode();

        var received = await Receiver.WaitForCountAsync(24, TimeSpan.FromSeconds(60));
        output.WriteLine($"bulk job of 12 deals: 24 events received {(received.Max(r => r.ReceivedAt) - submittedAt).TotalMilliseconds:F0} ms after submitting");
        await Task.Delay(700);
        received = Receiver.Received;
        received.Should().HaveCount(24);
        received.Where(r => r.Event == "delete.deal").Select(r => int.Parse(r.EntityId, System.Globalization.CultureInfo.InvariantCulture)).Should().BeEquivalentTo(dealIds);
        received.Count(r => r.Event == "create.lead").Should().Be(12);
        received.Select(r => r.EventId).Should().OnlyHaveUniqueItems();
        received.Should().AllSatisfy(r => r.Meta.GetProperty("is_bulk_edit").GetBoolean().Should().BeTrue());
    }

    [Fact]
    public async Task A_delivery_to_a_receiver_that_is_down_arrives_once_when_it_is_back()
    {
        await CreateWebhookAsync(eventObject: "organization");
        await Receiver.StopAsync();
        await CreateOrganizationAsync();
        await WaitUntilAsync(async () => await SingleDeliveryAsync() is { Attempts: >= 2, Status: WebhookDeliveryStatus.Pending }, "two refused attempts");
        var refused = await SingleDeliveryAsync();
        refused.Status.Should().Be(WebhookDeliveryStatus.Pending);
        refused.LastError.Should().NotBeNullOrEmpty();

        await Receiver.StartAsync();
        var received = await Receiver.WaitForCountAsync(1, TimeSpan.FromSeconds(20));
        await Task.Delay(2500);
        Receiver.Received.Should().ContainSingle();
        received[0].Meta.GetProperty("attempt").GetInt32().Should().BeGreaterThanOrEqualTo(3);
        var delivered = await SingleDeliveryAsync();
        delivered.Status.Should().Be(WebhookDeliveryStatus.Delivered);
        delivered.LastHttpStatus.Should().Be(200);
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_paused_with_its_reason_and_resuming_sends_what_waited()
    {
        Receiver.StatusCode = 500;
        var webhook = await CreateWebhookAsync(eventObject: "organization");
        await CreateOrganizationAsync();
        await WaitUntilAsync(async () => !(await App.WithDbAsync(db => db.Webhooks.AsNoTracking().SingleAsync())).IsActive, "the webhook to be paused");
        var attemptsWhenPaused = Receiver.Received.Count;
        attemptsWhenPaused.Should().Be(3, "it pauses after 3 failures in a row here");

        var listed = (await DataAsync(await Admin.GetAsync("/api/v1/webhooks"))).EnumerateArray().Single();
        listed.GetProperty("is_active").GetInt32().Should().Be(0);
        listed.GetProperty("remove_reason").GetString().Should().Contain("3 failed deliveries in a row").And.Contain("HTTP 500");
        await CreateOrganizationAsync("Created while paused");
        await Task.Delay(1500);
        Receiver.Received.Should().HaveCount(attemptsWhenPaused, "a paused webhook is not sent to");

        var admin = await App.SignInAsync(DemoUsers.Admin);
        var page = await admin.GetStringAsync("/settings/webhooks");
        page.Should().Contain("Paused").And.Contain("HTTP 500").And.Contain("Resume Receiver");
        Receiver.StatusCode = 200;
        var resumed = await admin.PostFormAsync($"/settings/webhooks?handler=Resume&webhookId={webhook.GetProperty("id").GetInt32()}", new Dictionary<string, string>(), "/settings/webhooks");
        resumed.StatusCode.Should().Be(HttpStatusCode.Redirect);

        await Receiver.WaitForAsync(r => r.Count > attemptsWhenPaused, TimeSpan.FromSeconds(15), "the waiting delivery after resuming");
        (await DataAsync(await Admin.GetAsync("/api/v1/webhooks"))).EnumerateArray().Single().GetProperty("is_active").GetInt32().Should().Be(1);
        await WaitUntilAsync(async () => (await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync())).All(d => d.Status == WebhookDeliveryStatus.Delivered), "the waiting delivery to be delivered");
    }

    [Fact]
    public async Task Two_app_instances_sending_at_once_deliver_each_event_once()
    {
        Receiver.Delay = TimeSpan.FromMilliseconds(20);
        await CreateWebhookAsync(eventObject: "person");
        await using var second = App.WithWebHostBuilder(builder => builder.UseSetting("Database:MigrateOnStartup", "false"));
        var secondSender = second.Services.GetRequiredService<WebhookSender>();
        var firstSender = App.Services.GetRequiredService<WebhookSender>();
        const int persons = 60;
        for (var i = 0; i < persons; i++)
        {
            (await Rep.PostAsJsonAsync("/api/v2/persons", new { name = $"Person {i}" })).EnsureSuccessStatusCode();
        }

        // Both instances' hosted senders run; these extra passes on each make them contend for the same rows.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? firstSender : secondSender).SendDueAsync()));
        var received = await Receiver.WaitForCountAsync(persons, TimeSpan.FromSeconds(60));
        output.WriteLine($"two instances: {persons} events, {received.Select(r => r.EventId).Distinct().Count()} distinct, received by {received.Max(r => r.ReceivedAt) - received.Min(r => r.ReceivedAt)}");
        await Task.Delay(1000);
        received = Receiver.Received;
        received.Should().HaveCount(persons);
        received.Select(r => r.EventId).Should().OnlyHaveUniqueItems();
        (await App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync())).Should().AllSatisfy(d =>
        {
            d.Status.Should().Be(WebhookDeliveryStatus.Delivered);
            d.Attempts.Should().Be(1);
        });
    }

    [Fact]
    public async Task A_request_that_gets_no_answer_is_not_sent_again()
    {
        Receiver.HoldRequests = true;
        await CreateWebhookAsync(eventObject: "organization");
        await CreateOrganizationAsync();
        await Receiver.WaitForCountAsync(1);
        await WaitUntilAsync(async () => (await SingleDeliveryAsync()).Status == WebhookDeliveryStatus.OutcomeUnknown, "the timeout to end the attempt");
        await Task.Delay(3000);
        Receiver.Received.Should().ContainSingle("a request that may have arrived is never sent again");
        (await SingleDeliveryAsync()).LastError.Should().Contain("may have arrived");
    }

    [Fact]
    public async Task The_password_is_never_shown_again_nor_stored_in_clear()
    {
        await CreateWebhookAsync(user: "u", password: "Very-secret-9");
        var listed = (await DataAsync(await Admin.GetAsync("/api/v1/webhooks"))).EnumerateArray().Single();
        listed.GetProperty("http_auth_password").GetString().Should().Be("********");
        listed.GetProperty("http_auth_user").GetString().Should().Be("u");
        (await App.WithDbAsync(db => db.Webhooks.AsNoTracking().SingleAsync())).ProtectedHttpAuthPassword.Should().NotContain("Very-secret-9");
        var page = await (await App.SignInAsync(DemoUsers.Admin)).GetStringAsync("/settings/webhooks");
        page.Should().NotContain("Very-secret-9");
    }

    [Fact]
    public async Task The_settings_page_creates_lists_with_recent_deliveries_and_deletes_a_webhook()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var created = await admin.PostFormAsync("/settings/webhooks?handler=Create", new Dictionary<string, string>
        {
            ["Form.Name"] = "Zapier",
            ["Form.SubscriptionUrl"] = Receiver.Url(),
            ["Form.EventAction"] = "create",
            ["Form.EventObject"] = "organization",
        }, "/settings/webhooks");
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await CreateOrganizationAsync();
        await Receiver.WaitForCountAsync(1);
        await WaitUntilAsync(async () => (await SingleDeliveryAsync()).Status == WebhookDeliveryStatus.Delivered, "the delivery");

        var page = await admin.GetStringAsync("/settings/webhooks");
        page.Should().Contain("Zapier").And.Contain("create.organization").And.Contain("Delivered").And.Contain("<td>200</td>");
        var id = (await App.WithDbAsync(db => db.Webhooks.AsNoTracking().SingleAsync())).Id;
        var deleted = await admin.PostFormAsync($"/settings/webhooks?handler=Delete&webhookId={id}", new Dictionary<string, string>(), "/settings/webhooks");
        deleted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.WithDbAsync(db => db.Webhooks.CountAsync())).Should().Be(0);
        (await App.WithDbAsync(db => db.WebhookDeliveries.CountAsync())).Should().Be(0);
    }

    private Task<WebhookDelivery> SingleDeliveryAsync() => App.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync());

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
