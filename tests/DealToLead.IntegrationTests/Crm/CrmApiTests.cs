using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>Persons, organizations, activities, notes, pipelines, stages and deal fields.</summary>
public class CrmApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> DataAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");

    [Fact]
    public async Task Persons_can_be_created_listed_read_updated_and_deleted()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var created = await api.PostAsJsonAsync("/api/v2/persons", new
        {
            name = "Nia New",
            emails = new[] { new { value = "nia@new.test", primary = true } },
            org_id = world.OrganizationId,
            custom_fields = new Dictionary<string, string> { [CrmWorld.LinkedInKey] = "https://linkedin.test/nia" },
        });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await DataAsync(created)).GetProperty("id").GetInt32();

        var read = await DataAsync(await api.GetAsync($"/api/v2/persons/{id}"));
        read.GetProperty("emails")[0].GetProperty("value").GetString().Should().Be("nia@new.test");
        read.GetProperty("custom_fields").GetProperty(CrmWorld.LinkedInKey).GetString().Should().Be("https://linkedin.test/nia");
        (await DataAsync(await api.GetAsync("/api/v2/persons"))).GetArrayLength().Should().Be(2);

        var patched = await api.PatchAsJsonAsync($"/api/v2/persons/{id}", new { name = "Nia Renamed" });
        patched.StatusCode.Should().Be(HttpStatusCode.OK);
        (await DataAsync(patched)).GetProperty("name").GetString().Should().Be("Nia Renamed");

        (await api.DeleteAsync($"/api/v2/persons/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v2/persons/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Persons_with_invalid_input_are_a_400()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsJsonAsync("/api/v2/persons", new { name = "" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v2/persons", new { name = "X", org_id = 999999 })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PatchAsJsonAsync($"/api/v2/persons/{world.PersonId}", new { custom_fields = new { unknown = "x" } })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.GetAsync("/api/v2/persons?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.WithDbAsync(db => db.Persons.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Organizations_can_be_created_listed_read_updated_and_deleted_and_invalid_input_is_a_400()
    {
        await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var created = await api.PostAsJsonAsync("/api/v2/organizations", new { name = "Globex", address = "5 Side St" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await DataAsync(created)).GetProperty("id").GetInt32();
        (await DataAsync(await api.GetAsync($"/api/v2/organizations/{id}"))).GetProperty("address").GetProperty("value").GetString().Should().Be("5 Side St");
        (await DataAsync(await api.GetAsync("/api/v2/organizations"))).GetArrayLength().Should().Be(2);
        (await DataAsync(await api.PatchAsJsonAsync($"/api/v2/organizations/{id}", new { name = "Globex Inc" }))).GetProperty("name").GetString().Should().Be("Globex Inc");
        (await api.PatchAsJsonAsync($"/api/v2/organizations/{id}", new { name = " " })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v2/organizations", new { address = "no name" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.DeleteAsync($"/api/v2/organizations/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v2/organizations/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Activities_can_be_created_listed_read_updated_and_deleted()
    {
        var world = await App.CreateWorldAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);

        var created = await api.PostAsJsonAsync("/api/v2/activities", new { subject = "Call Pat", type = "call", due_date = "2026-05-01", due_time = "10:30", duration = "00:30", deal_id = dealId });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await DataAsync(created)).GetProperty("id").GetInt32();

        (await DataAsync(await api.GetAsync($"/api/v2/activities/{id}"))).GetProperty("due_time").GetString().Should().Be("10:30");
        (await DataAsync(await api.GetAsync($"/api/v2/activities?deal_id={dealId}"))).GetArrayLength().Should().Be(1);
        var done = await DataAsync(await api.PatchAsJsonAsync($"/api/v2/activities/{id}", new { done = true }));
        done.GetProperty("done").GetBoolean().Should().BeTrue();
        done.GetProperty("marked_as_done_time").ValueKind.Should().Be(JsonValueKind.String);
        (await api.DeleteAsync($"/api/v2/activities/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v2/activities/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Activities_with_invalid_input_are_a_400_and_on_a_private_deal_of_another_user_a_404()
    {
        var world = await App.CreateWorldAsync();
        await App.WithoutSeeingOthersDealsAsync();
        var secret = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Secret", visibility: Visibility.OwnerOnly);
        var activityId = await App.WithDbAsync(async db =>
        {
            var activity = new Activity { Subject = "Secret call", DueDate = new DateOnly(2026, 5, 1), OwnerId = await App.UserIdAsync(DemoUsers.Manager), DealId = secret };
            db.Activities.Add(activity);
            await db.SaveChangesAsync();
            return activity.Id;
        });
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsJsonAsync("/api/v2/activities", new { subject = "X", due_date = "2026-05-01", type = "juggling" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v2/activities", new { subject = "", due_date = "2026-05-01" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v2/activities", new { subject = "X", due_date = "2026-05-01", due_time = "25:99" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v2/activities", new { subject = "X", due_date = "2026-05-01", deal_id = secret })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.GetAsync($"/api/v2/activities/{activityId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.PatchAsJsonAsync($"/api/v2/activities/{activityId}", new { done = true })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.DeleteAsync($"/api/v2/activities/{activityId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await DataAsync(await api.GetAsync("/api/v2/activities"))).GetArrayLength().Should().Be(0);
        (await App.WithDbAsync(db => db.Activities.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Notes_are_sanitized_and_can_be_listed_read_updated_and_deleted()
    {
        var world = await App.CreateWorldAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);

        var created = await api.PostAsJsonAsync("/api/v1/notes", new { content = "<p>Hello <b>Pat</b></p><script>alert(1)</script>", deal_id = dealId });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await DataAsync(created)).GetProperty("id").GetInt32();
        var stored = await App.WithDbAsync(db => db.Notes.SingleAsync(n => n.Id == id));
        stored.Content.Should().Contain("<b>Pat</b>").And.NotContain("script");

        (await DataAsync(await api.GetAsync($"/api/v1/notes?deal_id={dealId}"))).GetArrayLength().Should().Be(1);
        (await DataAsync(await api.GetAsync($"/api/v1/notes/{id}"))).GetProperty("content").GetString().Should().NotContain("script");
        (await DataAsync(await api.PutAsJsonAsync($"/api/v1/notes/{id}", new { content = "Updated <img src=x onerror=alert(1)>" }))).GetProperty("content").GetString()
            .Should().StartWith("Updated").And.NotContain("onerror");
        (await api.DeleteAsync($"/api/v1/notes/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v1/notes/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Notes_with_invalid_input_are_a_400_and_on_a_private_deal_of_another_user_a_404()
    {
        var world = await App.CreateWorldAsync();
        await App.WithoutSeeingOthersDealsAsync();
        var secret = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Secret", visibility: Visibility.OwnerOnly);
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsJsonAsync("/api/v1/notes", new { content = "<script>x</script>", person_id = world.PersonId })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v1/notes", new { content = "Orphan" })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsJsonAsync("/api/v1/notes", new { content = "Peek", deal_id = secret })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await App.WithDbAsync(db => db.Notes.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Pipelines_stages_and_deal_fields_are_listed()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var pipelines = await DataAsync(await api.GetAsync("/api/v2/pipelines"));
        pipelines[0].GetProperty("name").GetString().Should().Be("Sales");
        pipelines[0].GetProperty("is_default").GetBoolean().Should().BeTrue();
        (await DataAsync(await api.GetAsync($"/api/v2/stages?pipeline_id={world.PartnershipsId}"))).EnumerateArray()
            .Select(s => s.GetProperty("name").GetString()).Should().Equal("Intro", "Contract");
        (await api.GetAsync("/api/v2/pipelines/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.GetAsync("/api/v2/stages?pipeline_id=abc")).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        var fields = await DataAsync(await api.GetAsync("/api/v1/dealFields"));
        fields.EnumerateArray().Should().Contain(f => f.GetProperty("key").GetString() == "title");
        var weighted = fields.EnumerateArray().Single(f => f.GetProperty("key").GetString() == CrmWorld.WeightedKey);
        weighted.GetProperty("field_type").GetString().Should().Be("double");
        weighted.GetProperty("formula").GetString().Should().NotBeNullOrEmpty();
        weighted.GetProperty("edit_flag").GetBoolean().Should().BeFalse();
        fields.EnumerateArray().Single(f => f.GetProperty("key").GetString() == CrmWorld.TierKey).GetProperty("options").GetArrayLength().Should().Be(2);
    }
}
