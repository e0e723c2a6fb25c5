using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

public class DealsApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Creating_a_deal_returns_it_with_custom_fields_under_their_keys_and_formula_computed()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PostAsJsonAsync("/api/v2/deals", new
        {
            title = "API deal",
            value = 2000,
            currency = "USD",
            probability = 25,
            person_id = world.PersonId,
            stage_id = world.SalesStages[1],
            custom_fields = new Dictionary<string, object> { [CrmWorld.SeatsKey] = 40, [CrmWorld.TierKey] = "Enterprise" },
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var data = (await BodyAsync(response)).GetProperty("data");
        data.GetProperty("title").GetString().Should().Be("API deal");
        data.GetProperty("pipeline_id").GetInt32().Should().Be(world.SalesId);
        data.GetProperty("owner_id").GetInt32().Should().Be(await App.UserIdAsync(DemoUsers.Rep));
        data.GetProperty("custom_fields").GetProperty(CrmWorld.SeatsKey).GetString().Should().Be("40");
        data.GetProperty("custom_fields").GetProperty(CrmWorld.TierKey).GetString().Should().Be("Enterprise");
        data.GetProperty("custom_fields").GetProperty(CrmWorld.WeightedKey).GetDecimal().Should().Be(500m);
    }

    [Theory]
    [InlineData("{\"title\":\"\",\"person_id\":PERSON}", "Title")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"currency\":\"euro\"}", "Currency")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"custom_fields\":{\"nope\":\"1\"}}", "Unknown custom field")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"custom_fields\":{\"seats\":\"many\"}}", "number")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"custom_fields\":{\"weighted\":\"5\"}}", "formula")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"status\":\"maybe\"}", "status")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"stage_id\":999999}", "Stage")]
    [InlineData("{\"title\":\"X\",\"person_id\":PERSON,\"probability\":150}", "Probability")]
    public async Task Creating_a_deal_with_invalid_input_is_a_400_and_saves_nothing(string json, string expectedError)
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PostAsync("/api/v2/deals", new StringContent(json.Replace("PERSON", world.PersonId.ToString(), StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = await BodyAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeFalse();
        body.GetProperty("error").GetString().Should().Contain(expectedError);
        (await App.WithDbAsync(db => db.Deals.IgnoreQueryFilters().CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task A_malformed_json_body_is_a_400_in_the_envelope()
    {
        var response = await App.ApiClient(DemoUsers.Rep).PostAsync("/api/v2/deals", new StringContent("{\"title\": 12,", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await BodyAsync(response)).GetProperty("success").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public async Task Creating_a_deal_with_only_a_title_is_accepted_as_pipedrive_accepts_it()
    {
        await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PostAsync("/api/v2/deals", new StringContent("{\"title\":\"Only a title\"}", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var data = (await BodyAsync(response)).GetProperty("data");
        data.GetProperty("person_id").ValueKind.Should().Be(JsonValueKind.Null);
        data.GetProperty("org_id").ValueKind.Should().Be(JsonValueKind.Null);
        (await App.FindDealAsync(data.GetProperty("id").GetInt32()))!.Title.Should().Be("Only a title");

        // A lead needs a contact, so such a deal is refused conversion with a reason instead of failing in the database.
        var convert = await api.PostAsync($"/api/v2/deals/{data.GetProperty("id").GetInt32()}/convert/lead", null);
        convert.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await BodyAsync(convert)).GetProperty("error").GetString().Should().Contain("person or an organization");
    }

    private async Task<List<int>> ListedIdsAsync(HttpClient api, string url)
    {
        var response = await api.GetAsync(url);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await BodyAsync(response)).GetProperty("data").EnumerateArray().Select(d => d.GetProperty("id").GetInt32()).ToList();
    }

    [Fact]
    public async Task Listing_deals_honours_the_filters_and_sorts_the_sdk_sends()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var open = await App.AddDealAsync(world, rep, "Open", customFields: new() { [CrmWorld.SeatsKey] = "3", [CrmWorld.TierKey] = "Starter" });
        var won = await App.AddDealAsync(world, rep, "Won", stageIndex: 1);
        var lost = await App.AddDealAsync(world, admin, "Lost");
        var deleted = await App.AddDealAsync(world, rep, "Deleted", deletedAt: DateTimeOffset.UtcNow.AddDays(-1));
        var otherOrg = await App.WithDbAsync(async db =>
        {
            var org = new Organization { Name = "Other org" };
            var person = new Person { Name = "Other person", Organization = org };
            db.AddRange(org, person);
            await db.SaveChangesAsync();
            return (await new DealBuilder(rep).Titled("Elsewhere").InStage(world.PartnershipsId, world.PartnershipStages[0]).For(person.Id, org.Id).BuildAsync(db)).Id;
        });
        var t0 = new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero);
        await App.WithDbAsync(async db =>
        {
            await db.Deals.IgnoreQueryFilters().Where(d => d.Id == won).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DealStatus.Won));
            await db.Deals.IgnoreQueryFilters().Where(d => d.Id == lost).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DealStatus.Lost));
            foreach (var (id, day) in new[] { (open, 1), (won, 2), (lost, 3), (deleted, 4), (otherOrg, 5) })
            {
                await db.Deals.IgnoreQueryFilters().Where(d => d.Id == id).ExecuteUpdateAsync(s => s.SetProperty(d => d.UpdatedAt, t0.AddDays(day)).SetProperty(d => d.CreatedAt, t0.AddDays(10 - day)));
            }
        });
        var api = App.ApiClient(DemoUsers.Rep);

        (await ListedIdsAsync(api, "/api/v2/deals")).Should().Equal(open, won, lost, otherOrg);
        (await ListedIdsAsync(api, $"/api/v2/deals?ids={lost},{open},{deleted},987654")).Should().Equal(open, lost);
        (await ListedIdsAsync(api, "/api/v2/deals?sort_by=add_time")).Should().Equal(otherOrg, lost, won, open);
        (await ListedIdsAsync(api, "/api/v2/deals?sort_by=update_time&sort_direction=desc")).Should().Equal(otherOrg, lost, won, open);
        (await ListedIdsAsync(api, "/api/v2/deals?sort_by=id&sort_direction=desc")).Should().Equal(otherOrg, lost, won, open);
        (await ListedIdsAsync(api, "/api/v2/deals?updated_since=2026-01-03T00:00:00Z")).Should().Equal(lost, otherOrg);
        (await ListedIdsAsync(api, "/api/v2/deals?updated_until=2026-01-03T00:00:00Z")).Should().Equal(open, won);
        (await ListedIdsAsync(api, "/api/v2/deals?updated_since=2026-01-03T01:00:00%2B01:00&updated_until=2026-01-05T00:00:00Z")).Should().Equal(lost);
        (await ListedIdsAsync(api, "/api/v2/deals?status=won,lost")).Should().Equal(won, lost);
        (await ListedIdsAsync(api, "/api/v2/deals?status=deleted")).Should().Equal(deleted);
        (await ListedIdsAsync(api, "/api/v2/deals?status=open,deleted")).Should().Equal(open, deleted, otherOrg);
        (await ListedIdsAsync(api, $"/api/v2/deals?owner_id={admin}")).Should().Equal(lost);
        (await ListedIdsAsync(api, $"/api/v2/deals?person_id={world.PersonId}")).Should().Equal(open, won, lost);
        (await ListedIdsAsync(api, $"/api/v2/deals?org_id={world.OrganizationId}")).Should().Equal(open, won, lost);
        (await ListedIdsAsync(api, $"/api/v2/deals?pipeline_id={world.PartnershipsId}")).Should().Equal(otherOrg);
        (await ListedIdsAsync(api, $"/api/v2/deals?stage_id={world.SalesStages[1]}")).Should().Equal(won);
        (await ListedIdsAsync(api, "/api/v2/deals?include_fields=source_lead_id,notes_count&include_labels=true")).Should().HaveCount(4);

        var only = (await BodyAsync(await api.GetAsync($"/api/v2/deals?ids={open}&custom_fields={CrmWorld.SeatsKey}"))).GetProperty("data")[0].GetProperty("custom_fields");
        only.EnumerateObject().Select(p => p.Name).Should().Equal(CrmWorld.SeatsKey);
    }

    [Theory]
    [InlineData("/api/v2/deals?ids=1,x", 400, "ids")]
    [InlineData("/api/v2/deals?ids=-4", 400, "ids")]
    [InlineData("/api/v2/deals?ids=99999999999", 400, "ids")]
    [InlineData("/api/v2/deals?ids=,", 400, "ids")]
    [InlineData("/api/v2/deals?updated_since=yesterday", 400, "RFC 3339")]
    [InlineData("/api/v2/deals?updated_until=2026-13-01T00:00:00Z", 400, "RFC 3339")]
    [InlineData("/api/v2/deals?updated_since=0001-01-01T00:00:00%2B14:00", 400, "RFC 3339")]
    [InlineData("/api/v2/deals?updated_until=9999-12-31T23:59:59-14:00", 400, "RFC 3339")]
    [InlineData("/api/v2/deals?status=sideways", 400, "status")]
    [InlineData("/api/v2/deals?sort_by=title", 400, "sort_by")]
    [InlineData("/api/v2/deals?custom_fields=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", 400, "custom_fields")]
    [InlineData("/api/v2/deals?filter_id=7", 404, "no saved filters")]
    [InlineData("/api/v2/activities?filter_id=7", 404, "no saved filters")]
    [InlineData("/api/v2/persons?filter_id=7", 404, "no saved filters")]
    public async Task A_list_parameter_that_cannot_be_honoured_is_refused_with_a_reason(string url, int status, string reason)
    {
        var response = await App.ApiClient(DemoUsers.Rep).GetAsync(url);

        ((int)response.StatusCode).Should().Be(status);
        (await BodyAsync(response)).GetProperty("error").GetString().Should().Contain(reason);
    }

    [Fact]
    public async Task More_than_a_hundred_ids_are_refused()
    {
        var response = await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v2/deals?ids=" + string.Join(',', Enumerable.Range(1, 101)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await BodyAsync(response)).GetProperty("error").GetString().Should().Contain("100");
    }

    [Fact]
    public async Task Getting_a_deal_returns_it_and_an_unknown_id_is_404()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Findable");
        var api = App.ApiClient(DemoUsers.Rep);

        var found = await api.GetAsync($"/api/v2/deals/{id}");
        var missing = await api.GetAsync("/api/v2/deals/987654");

        found.StatusCode.Should().Be(HttpStatusCode.OK);
        (await BodyAsync(found)).GetProperty("data").GetProperty("title").GetString().Should().Be("Findable");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_users_private_deal_is_404_on_every_deal_endpoint()
    {
        var world = await App.CreateWorldAsync();
        await App.WithoutSeeingOthersDealsAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Manager's secret", visibility: Visibility.OwnerOnly);
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.GetAsync($"/api/v2/deals/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.PatchAsJsonAsync($"/api/v2/deals/{id}", new { title = "Mine now" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.DeleteAsync($"/api/v2/deals/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.PostAsync($"/api/v2/deals/{id}/restore", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.PostAsync($"/api/v1/deals/{id}/mailMessages", new StringContent(EmlSamples.Simple))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var list = await BodyAsync(await api.GetAsync("/api/v2/deals"));
        list.GetProperty("data").EnumerateArray().Should().NotContain(d => d.GetProperty("id").GetInt32() == id);
        (await App.FindDealAsync(id))!.Title.Should().Be("Manager's secret");
    }

    [Fact]
    public async Task Patching_a_deal_changes_its_fields_and_writes_history()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Old title", value: 100m);
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PatchAsJsonAsync($"/api/v2/deals/{id}", new { title = "New title", value = 250, stage_id = world.PartnershipStages[1], status = "lost", lost_reason = "Budget" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var deal = (await App.FindDealAsync(id))!;
        deal.Title.Should().Be("New title");
        deal.ValueAmount.Should().Be(250m);
        deal.PipelineId.Should().Be(world.PartnershipsId);
        deal.Status.Should().Be(DealStatus.Lost);
        deal.LostReason.Should().Be("Budget");
        var history = await App.WithDbAsync(db => db.DealHistory.Where(h => h.DealId == id).ToListAsync());
        history.Should().Contain(h => h.Field == "title" && h.OldValue == "Old title" && h.NewValue == "New title");
        history.Should().Contain(h => h.Field == "stage_id" && h.NewValue == world.PartnershipStages[1].ToString());
        history.Should().Contain(h => h.Field == "status" && h.NewValue == "Lost");
    }

    [Fact]
    public async Task Patching_with_invalid_input_is_a_400_and_changes_nothing()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Keep me");
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PatchAsJsonAsync($"/api/v2/deals/{id}", new { title = "Changed", currency = "nope" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.FindDealAsync(id))!.Title.Should().Be("Keep me");
    }

    [Fact]
    public async Task Editing_someone_elses_visible_deal_without_permission_is_403()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Shared deal");
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == Core.Users.PermissionSet.RegularUserDefaultId && g.Permission == Core.Users.Permission.EditDealsOwnedByOthers)
            .ExecuteDeleteAsync());

        var response = await App.ApiClient(DemoUsers.Rep).PatchAsJsonAsync($"/api/v2/deals/{id}", new { title = "Hijacked" });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.FindDealAsync(id))!.Title.Should().Be("Shared deal");
    }

    [Fact]
    public async Task Deleting_hides_the_deal_and_restoring_brings_it_back()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Soon gone");
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.DeleteAsync($"/api/v2/deals/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);

        var deal = (await App.FindDealAsync(id))!;
        deal.DeletedAt.Should().NotBeNull();
        deal.DeletedById.Should().Be(await App.UserIdAsync(DemoUsers.Rep));
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == id))).Should().BeFalse("the query filter hides deleted deals");
        var open = await BodyAsync(await api.GetAsync("/api/v2/deals"));
        open.GetProperty("data").GetArrayLength().Should().Be(0);
        var deleted = await BodyAsync(await api.GetAsync("/api/v2/deals?status=deleted"));
        deleted.GetProperty("data").EnumerateArray().Single().GetProperty("is_deleted").GetBoolean().Should().BeTrue();

        (await api.PostAsync($"/api/v2/deals/{id}/restore", null)).StatusCode.Should().Be(HttpStatusCode.OK);

        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == id))).Should().BeTrue();
        (await BodyAsync(await api.GetAsync("/api/v2/deals"))).GetProperty("data").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task Restoring_a_deal_that_is_not_deleted_or_past_30_days_is_a_400()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var live = await App.AddDealAsync(world, rep, "Alive");
        var old = await App.AddDealAsync(world, rep, "Long gone", deletedAt: DateTimeOffset.UtcNow.AddDays(-31));
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsync($"/api/v2/deals/{live}/restore", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.PostAsync($"/api/v2/deals/{old}/restore", null)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.FindDealAsync(old))!.DeletedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task Deleting_and_restoring_need_their_permissions()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var live = await App.AddDealAsync(world, rep, "Alive");
        var gone = await App.AddDealAsync(world, rep, "Gone", deletedAt: DateTimeOffset.UtcNow.AddDays(-1));
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == Core.Users.PermissionSet.RegularUserDefaultId
                && (g.Permission == Core.Users.Permission.DeleteDeals || g.Permission == Core.Users.Permission.RestoreDeletedDeals))
            .ExecuteDeleteAsync());
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.DeleteAsync($"/api/v2/deals/{live}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await api.PostAsync($"/api/v2/deals/{gone}/restore", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.FindDealAsync(live))!.DeletedAt.Should().BeNull();
        (await App.FindDealAsync(gone))!.DeletedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task A_raw_eml_posted_to_mail_messages_is_parsed_and_linked_via_bcc()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);

        var response = await api.PostAsync($"/api/v1/deals/{id}/mailMessages", new StringContent(EmlSamples.Simple, Encoding.UTF8, "message/rfc822"));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var email = await App.WithDbAsync(db => db.Emails.SingleAsync(e => e.DealId == id));
        email.Subject.Should().Be("Pricing for 40 seats");
        email.From.Should().Contain("buyer@acme.test");
        email.To.Should().ContainSingle().Which.Should().Contain("rep@dealtolead.local");
        email.Cc.Should().ContainSingle().Which.Should().Contain("boss@acme.test");
        email.MessageId.Should().Be("pricing-1@acme.test");
        email.TextBody.Should().Contain("Plain text version");
        email.HtmlBody.Should().Contain("<b>HTML</b>");
        email.LinkedVia.Should().Be(EmailLinkKind.Bcc);
        email.SentAt.Should().Be(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_mail_message_body_that_is_not_an_email_is_a_400()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsync($"/api/v1/deals/{id}/mailMessages", new ByteArrayContent([]))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.WithDbAsync(db => db.Emails.CountAsync())).Should().Be(0);
    }
}

public static class EmlSamples
{
    public const string Simple = """
        From: Buyer <buyer@acme.test>
        To: Ruben Rep <rep@dealtolead.local>
        Cc: boss@acme.test
        Subject: Pricing for 40 seats
        Date: Mon, 02 Mar 2026 10:30:00 +0100
        Message-ID: <pricing-1@acme.test>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="b1"

        --b1
        Content-Type: text/plain; charset=utf-8

        Plain text version
        --b1
        Content-Type: text/html; charset=utf-8

        <p>The <b>HTML</b> version</p><script>alert('pwned')</script>
        --b1--
        """;
}
