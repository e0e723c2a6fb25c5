using System.Net;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Pipelines;

public class PipelineSettingsPageTests(DealToLeadApp app) : AppTest(app)
{
    private const string Page = "/settings/pipelines";

    private Task<List<Stage>> StagesAsync(int pipelineId) =>
        App.WithDbAsync(db => db.Stages.AsNoTracking().Where(s => s.PipelineId == pipelineId).OrderBy(s => s.OrderNr).ToListAsync());

    [Fact]
    public async Task An_admin_manages_pipelines_and_stages_from_the_settings_page()
    {
        var world = await App.CreateWorldAsync();
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var page = await admin.GetStringAsync(Page);
        page.Should().Contain("Sales").And.Contain("Partnerships").And.Contain("Proposal");
        (await admin.GetStringAsync("/settings")).Should().Contain("href=\"/settings/pipelines\"");
        (await admin.GetStringAsync("/pipeline")).Should().Contain("Edit pipelines");

        (await admin.PostFormAsync($"{Page}?handler=CreatePipeline", new Dictionary<string, string> { ["name"] = "Renewals" }, Page)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var renewals = await App.WithDbAsync(db => db.Pipelines.SingleAsync(p => p.Name == "Renewals"));
        (await StagesAsync(renewals.Id)).Should().HaveCount(PipelineAdministration.DefaultStages.Count);

        await admin.PostFormAsync($"{Page}?handler=RenamePipeline&pipelineId={renewals.Id}", new Dictionary<string, string> { ["name"] = "Renewals 2027" }, Page);
        await admin.PostFormAsync($"{Page}?handler=MakeDefault&pipelineId={renewals.Id}", new Dictionary<string, string>(), Page);
        await admin.PostFormAsync($"{Page}?handler=AddStage&pipelineId={world.SalesId}", new Dictionary<string, string> { ["name"] = "Closing", ["dealProbability"] = "90" }, Page);
        await admin.PostFormAsync($"{Page}?handler=UpdateStage&stageId={world.SalesStages[0]}", new Dictionary<string, string> { ["name"] = "Lead in", ["dealProbability"] = "5" }, Page);
        await admin.PostFormAsync($"{Page}?handler=MoveStage&stageId={world.SalesStages[2]}", new Dictionary<string, string> { ["direction"] = "up" }, Page);
        await admin.PostFormAsync($"{Page}?handler=DeleteStage&stageId={world.SalesStages[1]}", new Dictionary<string, string>(), Page);

        var pipelines = await App.WithDbAsync(db => db.Pipelines.AsNoTracking().ToListAsync());
        pipelines.Single(p => p.IsDefault).Name.Should().Be("Renewals 2027");
        (await StagesAsync(world.SalesId)).Select(s => (s.Name, s.OrderNr, s.DealProbability)).Should()
            .Equal(("Lead in", 0, 5), ("Proposal", 1, 100), ("Closing", 2, 90));

        var deleted = await admin.PostFormAsync($"{Page}?handler=DeletePipeline&pipelineId={renewals.Id}", new Dictionary<string, string>(), Page);
        deleted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.WithDbAsync(db => db.Pipelines.AnyAsync(p => p.Id == renewals.Id))).Should().BeFalse();
        (await admin.GetStringAsync(Page)).Should().Contain("Pipeline deleted.");
    }

    [Fact]
    public async Task The_settings_page_refuses_to_delete_a_stage_with_deals_and_says_how_many()
    {
        var world = await App.CreateWorldAsync();
        await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), deletedAt: DateTimeOffset.UtcNow.AddDays(-1));
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var response = await admin.PostFormAsync($"{Page}?handler=DeleteStage&stageId={world.SalesStages[0]}", new Dictionary<string, string>(), Page);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.GetStringAsync(Page)).Should().Contain("still holds 1 deal");
        (await StagesAsync(world.SalesId)).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_regular_user_gets_403_on_the_pipelines_page_and_its_handlers_and_sees_no_edit_link()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.SignInAsync(DemoUsers.Rep);

        (await rep.GetAsync(Page)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        // The form page itself is refused, so the rep posts with the token of a page they can open.
        (await rep.PostFormAsync($"{Page}?handler=DeleteStage&stageId={world.SalesStages[0]}", new Dictionary<string, string>(), "/settings/profile"))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await rep.PostFormAsync($"{Page}?handler=CreatePipeline", new Dictionary<string, string> { ["name"] = "Mine" }, "/settings/profile"))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);

        (await StagesAsync(world.SalesId)).Should().HaveCount(3);
        (await App.WithDbAsync(db => db.Pipelines.CountAsync())).Should().Be(2);
        (await rep.GetStringAsync("/pipeline")).Should().NotContain("Edit pipelines");
        (await rep.GetStringAsync("/settings")).Should().NotContain("/settings/pipelines");
    }
}
