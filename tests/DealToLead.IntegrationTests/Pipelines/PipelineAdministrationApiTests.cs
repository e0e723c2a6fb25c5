using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Pipelines;

/// <summary>POST/PATCH/DELETE of /api/v2/pipelines and /api/v2/stages, and the rules of <see cref="PipelineAdministration"/>.</summary>
public class PipelineAdministrationApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<JsonElement> DataAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");

    private static async Task<string> ErrorAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    private Task<List<Pipeline>> PipelinesAsync() =>
        App.WithDbAsync(db => db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr)).OrderBy(p => p.OrderNr).ToListAsync());

    /// <summary>Every pipeline and stage as text, to compare before and after a refused change.</summary>
    private async Task<List<string>> SnapshotAsync() =>
        (await PipelinesAsync()).SelectMany(p => p.Stages.Select(s => $"{p.Id} {p.Name} {p.OrderNr} {p.IsDefault} / {s.Id} {s.Name} {s.OrderNr} {s.DealProbability}")).ToList();

    private Task<List<Stage>> StagesAsync(int pipelineId) =>
        App.WithDbAsync(db => db.Stages.AsNoTracking().Where(s => s.PipelineId == pipelineId).OrderBy(s => s.OrderNr).ToListAsync());

    [Fact]
    public async Task An_admin_creates_renames_reorders_and_deletes_a_pipeline_and_order_numbers_stay_dense()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);

        var created = await api.PostAsJsonAsync("/api/v2/pipelines", new { name = "  Renewals  " });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var data = await DataAsync(created);
        var id = data.GetProperty("id").GetInt32();
        data.GetProperty("name").GetString().Should().Be("Renewals");
        data.GetProperty("order_nr").GetInt32().Should().Be(2);
        data.GetProperty("is_default").GetBoolean().Should().BeFalse();
        (await StagesAsync(id)).Select(s => s.Name).Should().Equal(PipelineAdministration.DefaultStages.Select(s => s.Name));

        var first = await api.PostAsJsonAsync("/api/v2/pipelines", new { name = "Upsell", order_nr = 0 });
        first.StatusCode.Should().Be(HttpStatusCode.Created);
        (await PipelinesAsync()).Select(p => (p.Name, p.OrderNr)).Should().Equal(("Upsell", 0), ("Sales", 1), ("Partnerships", 2), ("Renewals", 3));

        var moved = await api.PatchAsJsonAsync($"/api/v2/pipelines/{id}", new { name = "Renewals 2027", order_nr = 1 });
        moved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await DataAsync(moved)).GetProperty("name").GetString().Should().Be("Renewals 2027");
        (await PipelinesAsync()).Select(p => (p.Name, p.OrderNr)).Should().Equal(("Upsell", 0), ("Renewals 2027", 1), ("Sales", 2), ("Partnerships", 3));

        (await api.DeleteAsync($"/api/v2/pipelines/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v2/pipelines/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await StagesAsync(id)).Should().BeEmpty();
        (await PipelinesAsync()).Select(p => (p.Name, p.OrderNr)).Should().Equal(("Upsell", 0), ("Sales", 1), ("Partnerships", 2));
        (await PipelinesAsync()).Where(p => p.IsDefault).Select(p => p.Id).Should().Equal(world.SalesId);
    }

    [Fact]
    public async Task An_admin_adds_renames_reorders_and_deletes_stages_and_order_numbers_stay_dense()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);

        var created = await api.PostAsJsonAsync("/api/v2/stages", new { name = "Discovery", pipeline_id = world.SalesId, order_nr = 1, deal_probability = 35 });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var stage = await DataAsync(created);
        var id = stage.GetProperty("id").GetInt32();
        stage.GetProperty("deal_probability").GetInt32().Should().Be(35);
        (await StagesAsync(world.SalesId)).Select(s => (s.Name, s.OrderNr)).Should().Equal(("Qualified", 0), ("Discovery", 1), ("Demo", 2), ("Proposal", 3));

        var appended = await api.PostAsJsonAsync("/api/v2/stages", new { name = "Closing", pipeline_id = world.SalesId });
        (await DataAsync(appended)).GetProperty("order_nr").GetInt32().Should().Be(4);
        (await DataAsync(appended)).GetProperty("deal_probability").GetInt32().Should().Be(100);

        var renamed = await api.PatchAsJsonAsync($"/api/v2/stages/{id}", new { name = "Discovery call", deal_probability = 15, order_nr = 99 });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await DataAsync(renamed)).GetProperty("order_nr").GetInt32().Should().Be(4, "a position past the end puts the stage last");
        (await StagesAsync(world.SalesId)).Select(s => (s.Name, s.OrderNr, s.DealProbability)).Should()
            .Equal(("Qualified", 0, 100), ("Demo", 1, 100), ("Proposal", 2, 100), ("Closing", 3, 100), ("Discovery call", 4, 15));

        (await api.PatchAsJsonAsync($"/api/v2/stages/{id}", new { order_nr = 0 })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await StagesAsync(world.SalesId)).Select(s => s.Name).Should().Equal("Discovery call", "Qualified", "Demo", "Proposal", "Closing");

        (await api.DeleteAsync($"/api/v2/stages/{world.SalesStages[1]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await StagesAsync(world.SalesId)).Select(s => (s.Name, s.OrderNr)).Should().Equal(("Discovery call", 0), ("Qualified", 1), ("Proposal", 2), ("Closing", 3));
        (await StagesAsync(world.PartnershipsId)).Select(s => s.OrderNr).Should().Equal(0, 1);
    }

    [Fact]
    public async Task Invalid_pipeline_and_stage_input_is_a_400_or_404_and_changes_nothing()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);
        var before = await SnapshotAsync();

        async Task Expect(HttpResponseMessage response, HttpStatusCode status, string message)
        {
            response.StatusCode.Should().Be(status);
            (await ErrorAsync(response)).Should().Contain(message);
        }

        await Expect(await api.PostAsJsonAsync("/api/v2/pipelines", new { name = " " }), HttpStatusCode.BadRequest, "name of 1 to 200");
        await Expect(await api.PostAsJsonAsync("/api/v2/pipelines", new { name = new string('x', 201) }), HttpStatusCode.BadRequest, "name of 1 to 200");
        await Expect(await api.PostAsJsonAsync("/api/v2/pipelines", new { name = "sales" }), HttpStatusCode.BadRequest, "already a pipeline named");
        await Expect(await api.PostAsync("/api/v2/pipelines", new StringContent("null", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "JSON object");
        (await api.PostAsync("/api/v2/pipelines", new StringContent("{\"name\":[]}", Encoding.UTF8, "application/json"))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        await Expect(await api.PatchAsJsonAsync($"/api/v2/pipelines/{world.PartnershipsId}", new { name = "Sales" }), HttpStatusCode.BadRequest, "already a pipeline named");
        await Expect(await api.PatchAsJsonAsync("/api/v2/pipelines/999999", new { name = "Ghost" }), HttpStatusCode.NotFound, "Pipeline not found");
        await Expect(await api.DeleteAsync("/api/v2/pipelines/999999"), HttpStatusCode.NotFound, "Pipeline not found");

        await Expect(await api.PostAsJsonAsync("/api/v2/stages", new { name = "Orphan" }), HttpStatusCode.BadRequest, "pipeline_id is required");
        await Expect(await api.PostAsJsonAsync("/api/v2/stages", new { name = "Orphan", pipeline_id = 999999 }), HttpStatusCode.BadRequest, "pipeline does not exist");
        await Expect(await api.PostAsJsonAsync("/api/v2/stages", new { name = "", pipeline_id = world.SalesId }), HttpStatusCode.BadRequest, "name of 1 to 200");
        await Expect(await api.PostAsJsonAsync("/api/v2/stages", new { name = "Demo", pipeline_id = world.SalesId }), HttpStatusCode.BadRequest, "already has a stage named");
        await Expect(await api.PostAsJsonAsync("/api/v2/stages", new { name = "Hot", pipeline_id = world.SalesId, deal_probability = 101 }), HttpStatusCode.BadRequest, "between 0 and 100");
        await Expect(await api.PatchAsJsonAsync($"/api/v2/stages/{world.SalesStages[0]}", new { deal_probability = -1 }), HttpStatusCode.BadRequest, "between 0 and 100");
        await Expect(await api.PatchAsJsonAsync($"/api/v2/stages/{world.SalesStages[0]}", new { name = new string('y', 201) }), HttpStatusCode.BadRequest, "name of 1 to 200");
        await Expect(await api.PatchAsJsonAsync($"/api/v2/stages/{world.SalesStages[0]}", new { pipeline_id = world.PartnershipsId }), HttpStatusCode.BadRequest, "cannot move to another pipeline");
        await Expect(await api.PatchAsJsonAsync("/api/v2/stages/999999", new { name = "Ghost" }), HttpStatusCode.NotFound, "Stage not found");
        await Expect(await api.DeleteAsync("/api/v2/stages/999999"), HttpStatusCode.NotFound, "Stage not found");

        (await SnapshotAsync()).Should().Equal(before);
    }

    [Fact]
    public async Task A_regular_user_gets_403_json_on_every_pipeline_and_stage_change_and_nothing_changes()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Rep);
        var before = await SnapshotAsync();

        var responses = new[]
        {
            await api.PostAsJsonAsync("/api/v2/pipelines", new { name = "Mine" }),
            await api.PatchAsJsonAsync($"/api/v2/pipelines/{world.PartnershipsId}", new { is_default = true }),
            await api.DeleteAsync($"/api/v2/pipelines/{world.PartnershipsId}"),
            await api.PostAsJsonAsync("/api/v2/stages", new { name = "Mine", pipeline_id = world.SalesId }),
            await api.PatchAsJsonAsync($"/api/v2/stages/{world.SalesStages[0]}", new { name = "Renamed" }),
            await api.DeleteAsync($"/api/v2/stages/{world.SalesStages[0]}"),
        };

        foreach (var response in responses)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
            (await response.Content.ReadAsStringAsync()).Should().Contain("\"success\":false");
        }

        (await SnapshotAsync()).Should().Equal(before);
        (await api.GetAsync("/api/v2/pipelines")).StatusCode.Should().Be(HttpStatusCode.OK, "reading stays open to everyone");
    }

    [Fact]
    public async Task A_stage_or_pipeline_holding_open_won_lost_or_deleted_deals_cannot_be_deleted_and_the_error_counts_them()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.AddDealAsync(world, rep, "Open one", stageIndex: 0);
        await App.AddDealAsync(world, rep, "Open two", stageIndex: 0);
        await App.AddDealAsync(world, rep, "Deleted, restorable", stageIndex: 1, deletedAt: DateTimeOffset.UtcNow.AddDays(-3));
        var won = await App.AddDealAsync(world, rep, "Won", stageIndex: 2);
        var lost = await App.AddDealAsync(world, rep, "Lost", stageIndex: 2);
        await App.WithDbAsync(db => db.Deals.Where(d => d.Id == won).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DealStatus.Won)));
        await App.WithDbAsync(db => db.Deals.Where(d => d.Id == lost).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DealStatus.Lost)));
        var api = App.ApiClient(DemoUsers.Admin);

        var open = await api.DeleteAsync($"/api/v2/stages/{world.SalesStages[0]}");
        open.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(open)).Should().Contain("\"Qualified\"").And.Contain("2 deals");

        var deleted = await api.DeleteAsync($"/api/v2/stages/{world.SalesStages[1]}");
        deleted.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(deleted)).Should().Contain("1 deal ");

        var closed = await api.DeleteAsync($"/api/v2/stages/{world.SalesStages[2]}");
        closed.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(closed)).Should().Contain("2 deals");

        var pipeline = await api.DeleteAsync($"/api/v2/pipelines/{world.SalesId}");
        pipeline.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(pipeline)).Should().Contain("\"Sales\"").And.Contain("5 deals");

        (await StagesAsync(world.SalesId)).Should().HaveCount(3);
        (await App.WithDbAsync(db => db.Deals.IgnoreQueryFilters().CountAsync())).Should().Be(5);
    }

    [Fact]
    public async Task The_last_stage_of_a_pipeline_and_the_last_pipeline_cannot_be_deleted()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);

        (await api.DeleteAsync($"/api/v2/stages/{world.PartnershipStages[0]}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var lastStage = await api.DeleteAsync($"/api/v2/stages/{world.PartnershipStages[1]}");
        lastStage.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(lastStage)).Should().Contain("last stage");
        (await StagesAsync(world.PartnershipsId)).Select(s => (s.Id, s.OrderNr)).Should().Equal((world.PartnershipStages[1], 0));

        (await api.DeleteAsync($"/api/v2/pipelines/{world.PartnershipsId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var lastPipeline = await api.DeleteAsync($"/api/v2/pipelines/{world.SalesId}");
        lastPipeline.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await ErrorAsync(lastPipeline)).Should().Contain("last pipeline");
        (await PipelinesAsync()).Select(p => (p.Id, p.OrderNr, p.IsDefault)).Should().Equal((world.SalesId, 0, true));
    }

    [Fact]
    public async Task There_is_always_exactly_one_default_pipeline_and_new_deals_go_to_it()
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);
        async Task<int[]> DefaultsAsync() => (await PipelinesAsync()).Where(p => p.IsDefault).Select(p => p.Id).ToArray();

        (await api.PatchAsJsonAsync($"/api/v2/pipelines/{world.PartnershipsId}", new { is_default = true })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await DefaultsAsync()).Should().Equal(world.PartnershipsId);

        var unset = await api.PatchAsJsonAsync($"/api/v2/pipelines/{world.PartnershipsId}", new { is_default = false });
        unset.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAsync(unset)).Should().Contain("always be a default pipeline");
        (await DefaultsAsync()).Should().Equal(world.PartnershipsId);

        var created = await api.PostAsJsonAsync("/api/v2/pipelines", new { name = "Enterprise", is_default = true });
        var enterprise = (await DataAsync(created)).GetProperty("id").GetInt32();
        (await DefaultsAsync()).Should().Equal(enterprise);

        (await api.DeleteAsync($"/api/v2/pipelines/{enterprise}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await DefaultsAsync()).Should().Equal(new[] { world.SalesId }, "the first remaining pipeline becomes the default");

        (await api.DeleteAsync($"/api/v2/pipelines/{world.SalesId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await DefaultsAsync()).Should().Equal(world.PartnershipsId);
        var deal = await App.ApiClient(DemoUsers.Rep).PostAsJsonAsync("/api/v2/deals", new { title = "After the delete", person_id = world.PersonId });
        deal.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DataAsync(deal)).GetProperty("stage_id").GetInt32().Should().Be(world.PartnershipStages[0]);
        var pages = await App.SignInAsync(DemoUsers.Rep);
        (await pages.GetStringAsync("/pipeline")).Should().Contain("Contract");
        (await pages.GetStringAsync("/deals/new")).Should().Contain($"<option value=\"{world.PartnershipStages[0]}\" selected=\"selected\">");
    }

    public static TheoryData<string> JunkBodies => new()
    {
        "{",
        "null",
        "[]",
        "\"just a string\"",
        string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)),
        "{\"name\":\"" + new string('x', 300_000) + "\"}",
        "{\"name\":\"nul \\u0000 inside\",\"pipeline_id\":PIPELINE}",
        "{\"name\":123,\"is_default\":\"yes\",\"order_nr\":\"first\"}",
        "{\"name\":\"Edge\",\"pipeline_id\":PIPELINE,\"order_nr\":2147483647,\"deal_probability\":-2147483648}",
        "{\"name\":\"Edge 2\",\"pipeline_id\":PIPELINE,\"order_nr\":-2147483648,\"deal_probability\":1e400}",
        "{\"name\":\"<script>alert(1)</script>\",\"pipeline_id\":-1,\"is_default\":null}",
    };

    [Theory]
    [MemberData(nameof(JunkBodies))]
    public async Task Junk_bodies_from_an_admin_get_a_json_4xx_or_success_and_never_a_5xx(string body)
    {
        var world = await App.CreateWorldAsync();
        var api = App.ApiClient(DemoUsers.Admin);
        body = body.Replace("PIPELINE", world.SalesId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        foreach (var (method, url) in new[]
        {
            ("POST", "/api/v2/pipelines"), ("PATCH", $"/api/v2/pipelines/{world.PartnershipsId}"),
            ("POST", "/api/v2/stages"), ("PATCH", $"/api/v2/stages/{world.SalesStages[1]}"),
        })
        {
            var response = await api.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            var text = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().BeLessThan(500, "{0} {1} answered {2}", method, url, text[..Math.Min(300, text.Length)]);
            if ((int)response.StatusCode >= 400)
            {
                text.Should().Contain("\"success\":false");
            }
        }

        (await PipelinesAsync()).Where(p => p.IsDefault).Should().ContainSingle();
        foreach (var pipeline in await PipelinesAsync())
        {
            pipeline.Stages.Select(s => s.OrderNr).Should().Equal(Enumerable.Range(0, pipeline.Stages.Count));
        }
    }
}
