using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;
using DealToLead.IntegrationTests.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>
/// Fields where the API departed from what Pipedrive's SDK types (issue #18, items 4, 5 and 8). The contract suite in
/// tests/DealToLead.ContractTests checks the same through the SDK; these pin each defect in .NET.
/// </summary>
public class PipedriveShapeTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task An_organization_takes_and_gives_the_address_as_Pipedrives_object()
    {
        var api = App.ApiClient(DemoUsers.Rep);

        var created = await api.PostAsJsonAsync("/api/v2/organizations", new
        {
            name = "Nordic Paper",
            address = new { value = "Drottninggatan 5, Stockholm", street_number = "5", route = "Drottninggatan", locality = "Stockholm", country = "Sweden", postal_code = "111 51" },
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var address = (await BodyAsync(created)).GetProperty("data").GetProperty("address");
        address.GetProperty("value").GetString().Should().Be("Drottninggatan 5, Stockholm");
        address.GetProperty("locality").GetString().Should().Be("Stockholm");
        address.GetProperty("postal_code").GetString().Should().Be("111 51");
        var id = (await BodyAsync(created)).GetProperty("data").GetProperty("id").GetInt32();
        var line = await api.PatchAsJsonAsync($"/api/v2/organizations/{id}", new { address = "Kungsgatan 1, Göteborg" });
        var replaced = (await BodyAsync(line)).GetProperty("data").GetProperty("address");
        replaced.GetProperty("value").GetString().Should().Be("Kungsgatan 1, Göteborg");
        replaced.TryGetProperty("locality", out _).Should().BeFalse("a new address line makes the old components wrong");
    }

    [Theory]
    [InlineData("{\"name\":\"X\",\"address\":42}", "address must be an object")]
    [InlineData("{\"name\":\"X\",\"address\":{\"planet\":\"Mars\"}}", "no part named 'planet'")]
    [InlineData("{\"name\":\"X\",\"address\":{\"locality\":7}}", "address.locality must be a string")]
    public async Task An_address_Pipedrive_would_not_accept_is_a_clear_400_and_saves_nothing(string json, string expected)
    {
        var before = await App.WithDbAsync(db => db.Organizations.CountAsync());

        var response = await App.ApiClient(DemoUsers.Rep).PostAsync("/api/v2/organizations", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await BodyAsync(response)).GetProperty("error").GetString().Should().Contain(expected);
        (await App.WithDbAsync(db => db.Organizations.CountAsync())).Should().Be(before);
    }

    [Fact]
    public async Task Deal_labels_are_numbered_options_of_the_label_field_and_travel_as_label_ids()
    {
        var api = App.ApiClient(DemoUsers.Rep);
        var dealId = await App.CreateDealAsync(DemoUsers.Rep);
        var rep = await App.AccessAsync(DemoUsers.Rep);
        using var scope = App.Services.CreateScope();
        var labelled = await scope.ServiceProvider.GetRequiredService<DealCommands>().UpdateAsync(rep, dealId, new DealChanges { Labels = ["Hot", "Partner"] });
        labelled.Succeeded.Should().BeTrue();

        var fields = (await BodyAsync(await api.GetAsync("/api/v1/dealFields"))).GetProperty("data").EnumerateArray();
        var options = fields.Single(f => f.GetProperty("key").GetString() == "label").GetProperty("options").EnumerateArray()
            .ToDictionary(o => o.GetProperty("label").GetString()!, o => o.GetProperty("id").GetInt32());
        options.Keys.Should().Contain(["Hot", "Partner"]);
        var read = (await BodyAsync(await api.GetAsync($"/api/v2/deals/{dealId}"))).GetProperty("data");
        read.GetProperty("label_ids").EnumerateArray().Select(e => e.GetInt32()).Should().BeEquivalentTo([options["Hot"], options["Partner"]]);

        var relabelled = await api.PatchAsJsonAsync($"/api/v2/deals/{dealId}", new { label_ids = new[] { options["Partner"] } });
        (await BodyAsync(relabelled)).GetProperty("data").GetProperty("label_ids").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(options["Partner"]);
        (await App.FindDealAsync(dealId))!.Labels.Should().Equal("Partner");
        var unknown = await api.PatchAsJsonAsync($"/api/v2/deals/{dealId}", new { label_ids = new[] { 987654 } });
        unknown.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.FindDealAsync(dealId))!.Labels.Should().Equal("Partner");
    }

    [Fact]
    public async Task Deal_fields_use_only_the_field_types_Pipedrives_SDK_knows()
    {
        await App.CreateWorldAsync();
        var sdkFieldTypes = new[] { "address", "date", "daterange", "double", "enum", "monetary", "org", "people", "phone", "set", "text", "time", "timerange", "user", "varchar", "varchar_auto", "visible_to" };

        var fields = (await BodyAsync(await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/dealFields"))).GetProperty("data").EnumerateArray().ToList();

        fields.Select(f => f.GetProperty("field_type").GetString()).Should().OnlyContain(t => sdkFieldTypes.Contains(t));
        fields.Single(f => f.GetProperty("key").GetString() == "status").GetProperty("options").EnumerateArray()
            .Select(o => o.GetProperty("id").GetString()).Should().Contain(["open", "won", "lost"]);
    }

    [Fact]
    public async Task A_lead_carries_Pipedrives_required_link_fields_and_a_deal_made_from_a_lead_names_it()
    {
        var api = App.ApiClient(DemoUsers.Rep);
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var converted = await App.WithDbAsync(new LeadBuilder(repId).ConvertedFromDeal().BuildAsync);
        var (lead, dealId) = (converted.Id, converted.OriginDealId!.Value);

        var read = (await BodyAsync(await api.GetAsync($"/api/v1/leads/{lead}"))).GetProperty("data");
        read.GetProperty("source_deal_id").GetInt32().Should().Be(dealId);
        read.GetProperty("channel").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("channel_id").ValueKind.Should().Be(JsonValueKind.Null);
        read.GetProperty("cc_email").GetString().Should().Match($"*+lead-{lead:N}@*");

        var started = await api.PostAsJsonAsync($"/api/v2/leads/{lead}/convert/deal", new { });
        var conversionId = (await BodyAsync(started)).GetProperty("data").GetProperty("conversion_id").GetGuid();
        var status = (await BodyAsync(await api.GetAsync($"/api/v2/leads/{lead}/convert/status/{conversionId}"))).GetProperty("data");
        var newDeal = (await BodyAsync(await api.GetAsync($"/api/v2/deals/{status.GetProperty("deal_id").GetInt32()}?include_fields=source_lead_id"))).GetProperty("data");
        newDeal.GetProperty("source_lead_id").GetGuid().Should().Be(lead);
    }

    [Fact]
    public async Task Fields_the_SDK_types_as_not_nullable_are_left_out_rather_than_null()
    {
        var api = App.ApiClient(DemoUsers.Rep);

        var person = (await BodyAsync(await api.PostAsJsonAsync("/api/v2/persons", new { name = "No Org" }))).GetProperty("data");
        var notes = await BodyAsync(await api.GetAsync("/api/v1/notes?limit=1"));

        person.TryGetProperty("org_id", out _).Should().BeFalse();
        person.GetProperty("owner_id").GetInt32().Should().Be(await App.UserIdAsync(DemoUsers.Rep));
        notes.GetProperty("additional_data").GetProperty("pagination").EnumerateObject().Should().OnlyContain(p => p.Value.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task Users_permission_sets_and_errors_have_Pipedrives_shapes()
    {
        var rep = App.ApiClient(DemoUsers.Rep);
        var me = (await BodyAsync(await rep.GetAsync("/api/v1/users/me"))).GetProperty("data").GetProperty("id").GetInt32();

        (await BodyAsync(await rep.GetAsync($"/api/v1/users/{me}"))).GetProperty("data").GetProperty("email").GetString().Should().Be(DemoUsers.Rep.Email);
        (await rep.GetAsync("/api/v1/users/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var sets = (await BodyAsync(await App.ApiClient(DemoUsers.Admin).GetAsync("/api/v1/permissionSets"))).GetProperty("data");
        sets.EnumerateArray().Should().OnlyContain(s => s.GetProperty("id").ValueKind == JsonValueKind.String);
        var unauthorized = await App.ApiClient("ffffffffffffffffffffffffffffffffffffffff").GetAsync("/api/v1/users/me");
        var body = await BodyAsync(unauthorized);
        body.GetProperty("errorCode").GetInt32().Should().Be(401);
        body.GetProperty("error_code").GetInt32().Should().Be(401);
    }

    [Fact]
    public async Task Deleting_a_note_answers_data_true_as_Pipedrives_v1_does()
    {
        var api = App.ApiClient(DemoUsers.Rep);
        var dealId = await App.CreateDealAsync(DemoUsers.Rep);
        var note = (await BodyAsync(await api.PostAsJsonAsync("/api/v1/notes", new { content = "Hello", deal_id = dealId }))).GetProperty("data").GetProperty("id").GetInt32();

        var deleted = await BodyAsync(await api.DeleteAsync($"/api/v1/notes/{note}"));

        deleted.GetProperty("data").GetBoolean().Should().BeTrue();
    }
}
