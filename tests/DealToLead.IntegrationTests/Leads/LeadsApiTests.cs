using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Leads;

public class LeadsApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_lead_has_pipedrives_fields_and_custom_field_keys()
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var lead = await App.WithDbAsync(async db =>
        {
            db.CustomFields.Add(new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "deal_tier", Name = "Tier", Type = CustomFieldType.Text });
            await db.SaveChangesAsync();
            var built = await new LeadBuilder(manager).Worth(1200).ConvertedFromDeal().BuildAsync(db);
            built.CustomFields = new() { ["deal_tier"] = "Gold" };
            await db.SaveChangesAsync();
            return built;
        });

        var response = await App.ApiClient(DemoUsers.Manager).GetAsync($"/api/v1/leads/{lead.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var data = (await JsonAsync(response)).GetProperty("data");
        foreach (var field in new[] { "id", "title", "owner_id", "creator_id", "label_ids", "person_id", "organization_id", "value", "expected_close_date", "is_archived", "was_seen", "source_name", "origin", "origin_id", "visible_to", "next_activity_id", "add_time", "update_time" })
        {
            data.TryGetProperty(field, out _).Should().BeTrue($"a lead has {field}");
        }

        data.GetProperty("id").GetString().Should().Be(lead.Id.ToString());
        data.GetProperty("source_name").GetString().Should().Be("Deal");
        data.GetProperty("origin_id").GetString().Should().Be(lead.OriginDealId.ToString());
        data.GetProperty("value").GetProperty("amount").GetDecimal().Should().Be(1200m);
        data.GetProperty("value").GetProperty("currency").GetString().Should().Be("EUR");
        data.GetProperty("visible_to").GetString().Should().Be("3");
        data.GetProperty("next_activity_id").ValueKind.Should().Be(JsonValueKind.Number);
        data.GetProperty("deal_tier").GetString().Should().Be("Gold");
    }

    [Fact]
    public async Task The_list_pages_with_limit_and_start_and_filters_by_source_name()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var converted = await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Paging Person" };
            for (var i = 0; i < 5; i++)
            {
                await new LeadBuilder(rep).For(person).From(LeadSource.WebForms).CreatedAt(DateTimeOffset.UtcNow.AddDays(-1)).BuildAsync(db);
            }

            await new LeadBuilder(rep).Archived().BuildAsync(db);
            return (await new LeadBuilder(rep).ConvertedFromDeal().BuildAsync(db)).Id;
        });
        var api = App.ApiClient(DemoUsers.Rep);

        var first = await JsonAsync(await api.GetAsync("/api/v1/leads?limit=4&start=0&sort=add_time%20DESC"));
        var second = await JsonAsync(await api.GetAsync("/api/v1/leads?limit=4&start=4&sort=add_time%20DESC"));

        first.GetProperty("data").GetArrayLength().Should().Be(4);
        first.GetProperty("additional_data").GetProperty("pagination").GetProperty("more_items_in_collection").GetBoolean().Should().BeTrue();
        first.GetProperty("additional_data").GetProperty("pagination").GetProperty("next_start").GetInt32().Should().Be(4);
        second.GetProperty("data").GetArrayLength().Should().Be(2);
        second.GetProperty("additional_data").GetProperty("pagination").GetProperty("more_items_in_collection").GetBoolean().Should().BeFalse();
        var ids = first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(l => l.GetProperty("id").GetString()).ToList();
        ids.Should().HaveCount(6).And.OnlyHaveUniqueItems();
        first.GetProperty("data")[0].GetProperty("id").GetString().Should().Be(converted.ToString(), "the newest lead comes first with add_time DESC");

        var deals = await JsonAsync(await api.GetAsync("/api/v1/leads?source_name=Deal"));
        deals.GetProperty("data").EnumerateArray().Select(l => l.GetProperty("id").GetString()).Should().Equal(converted.ToString());
        var archived = await JsonAsync(await api.GetAsync("/api/v1/leads/archived"));
        archived.GetProperty("data").GetArrayLength().Should().Be(1);
        archived.GetProperty("data")[0].GetProperty("is_archived").GetBoolean().Should().BeTrue();
    }

    [Theory]
    [InlineData("/api/v1/leads?limit=0")]
    [InlineData("/api/v1/leads?start=-1")]
    [InlineData("/api/v1/leads?sort=color%20UP")]
    [InlineData("/api/v1/leads?source_name=Carrier%20pigeon")]
    [InlineData("/api/v1/leads?owner_id=abc")]
    public async Task Bad_list_parameters_get_400(string url)
    {
        var response = await App.ApiClient(DemoUsers.Rep).GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(response)).GetProperty("success").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Leads_are_created_updated_and_deleted_over_the_api()
    {
        var personId = await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Api Person" };
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            return person.Id;
        });
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsJsonAsync("/api/v1/leads", new { title = "No contact" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v1/leads", new { person_id = personId })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var created = await api.PostAsJsonAsync("/api/v1/leads", new { title = "From the API", person_id = personId, value = new { amount = 50, currency = "USD" }, expected_close_date = "2030-05-01" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var lead = (await JsonAsync(created)).GetProperty("data");
        lead.GetProperty("source_name").GetString().Should().Be("API");
        lead.GetProperty("expected_close_date").GetString().Should().Be("2030-05-01");
        var id = lead.GetProperty("id").GetString();

        var patched = await api.PatchAsJsonAsync($"/api/v1/leads/{id}", new { title = "Renamed", is_archived = true, value = (object?)null });
        patched.StatusCode.Should().Be(HttpStatusCode.OK);
        var updated = (await JsonAsync(patched)).GetProperty("data");
        updated.GetProperty("title").GetString().Should().Be("Renamed");
        updated.GetProperty("is_archived").GetBoolean().Should().BeTrue();
        updated.GetProperty("value").ValueKind.Should().Be(JsonValueKind.Null);
        (await api.PatchAsJsonAsync($"/api/v1/leads/{id}", new { expected_close_date = "tomorrow" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        (await api.DeleteAsync($"/api/v1/leads/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v1/leads/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.GetAsync("/api/v1/leads/not-a-guid")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_users_private_lead_is_404_over_the_api_and_absent_from_its_list()
    {
        await LeadTestData.MakeUnableToSeeOthersAsync(App, DemoUsers.Rep);
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var secret = await App.WithDbAsync(db => new LeadBuilder(manager).Private().BuildAsync(db));
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.GetAsync($"/api/v1/leads/{secret.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.PatchAsJsonAsync($"/api/v1/leads/{secret.Id}", new { title = "x" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.DeleteAsync($"/api/v1/leads/{secret.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await JsonAsync(await api.GetAsync("/api/v1/leads"))).GetProperty("data").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Lead_sources_are_pipedrives_fixed_list()
    {
        var body = await JsonAsync(await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/leadSources"));

        body.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("name").GetString())
            .Should().Contain(["Deal", "Manually created", "Web forms", "Import", "API"]);
    }

    [Fact]
    public async Task Admins_manage_lead_labels_and_reps_apply_them()
    {
        var admin = App.ApiClient(DemoUsers.Admin);
        var rep = App.ApiClient(DemoUsers.Rep);

        (await rep.PostAsJsonAsync("/api/v1/leadLabels", new { name = "Hot", color = "red" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await admin.PostAsJsonAsync("/api/v1/leadLabels", new { name = "Hot", color = "mauve" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var created = await admin.PostAsJsonAsync("/api/v1/leadLabels", new { name = "Hot", color = "dark-gray" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var label = (await JsonAsync(created)).GetProperty("data");
        label.GetProperty("color").GetString().Should().Be("dark-gray");
        var labelId = label.GetProperty("id").GetString();
        (await admin.PostAsJsonAsync("/api/v1/leadLabels", new { name = "Hot", color = "red" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var patched = await admin.PatchAsJsonAsync($"/api/v1/leadLabels/{labelId}", new { color = "red" });
        (await JsonAsync(patched)).GetProperty("data").GetProperty("color").GetString().Should().Be("red");
        (await JsonAsync(await rep.GetAsync("/api/v1/leadLabels"))).GetProperty("data").GetArrayLength().Should().Be(1);

        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var lead = await App.WithDbAsync(db => new LeadBuilder(repId).BuildAsync(db));
        var labelled = await rep.PatchAsJsonAsync($"/api/v1/leads/{lead.Id}", new { label_ids = new[] { labelId } });
        (await JsonAsync(labelled)).GetProperty("data").GetProperty("label_ids")[0].GetString().Should().Be(labelId);

        (await admin.DeleteAsync($"/api/v1/leadLabels/{labelId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).LabelIds.Should().BeEmpty();
    }
}
