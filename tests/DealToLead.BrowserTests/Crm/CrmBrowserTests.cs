using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Crm;

public partial class CrmBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task Dragging_a_card_to_another_stage_is_persisted_after_reload() => RunAsync(nameof(Dragging_a_card_to_another_stage_is_persisted_after_reload), async page =>
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Draggable deal");
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");

        var card = page.Locator($".card[data-deal-id='{id}']");
        var proposal = page.Locator($".stage[data-stage-id='{world.SalesStages[2]}']");
        await card.DragToAsync(proposal);

        await Assertions.Expect(proposal.Locator($".card[data-deal-id='{id}']")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(proposal.GetByRole(AriaRole.Link, new() { Name = "Draggable deal" })).ToBeVisibleAsync();
        (await App.FindDealAsync(id))!.StageId.Should().Be(world.SalesStages[2]);
    });

    [Fact]
    public Task Dropping_a_card_on_move_to_and_saving_moves_it_to_another_pipeline() => RunAsync(nameof(Dropping_a_card_on_move_to_and_saving_moves_it_to_another_pipeline), async page =>
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Partner deal");
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");

        var card = page.Locator($".card[data-deal-id='{id}']");
        await DragOntoBarAsync(page, card, "Move to");

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Move to" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "Leads" })).ToBeVisibleAsync();
        await dialog.GetByLabel("Pipeline", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Partnerships" });
        await dialog.GetByLabel("Stage", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Contract" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deal moved.");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        var deal = (await App.FindDealAsync(id))!;
        deal.PipelineId.Should().Be(world.PartnershipsId);
        deal.StageId.Should().Be(world.PartnershipStages[1]);
        await page.GotoAsync($"/pipeline?pipelineId={world.PartnershipsId}");
        await Assertions.Expect(page.Locator($".stage[data-stage-id='{world.PartnershipStages[1]}'] .card[data-deal-id='{id}']")).ToBeVisibleAsync();
    });

    [Fact]
    public Task Filtering_the_deal_list_puts_the_filters_in_the_url() => RunAsync(nameof(Filtering_the_deal_list_puts_the_filters_in_the_url), async page =>
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.AddDealAsync(world, rep, "Alpha rollout", value: 5000m);
        await App.AddDealAsync(world, rep, "Beta rollout", value: 5000m);
        await App.AddDealAsync(world, rep, "Alpha pilot", value: 50m);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/deals");

        await page.GetByLabel("Search").FillAsync("alpha");
        await page.GetByLabel("Min value").FillAsync("1000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(FilterUrl());
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Deals" });
        await Assertions.Expect(table.GetByRole(AriaRole.Link, new() { Name = "Alpha rollout" })).ToBeVisibleAsync();
        await Assertions.Expect(table.GetByRole(AriaRole.Link, new() { Name = "Beta rollout" })).ToHaveCountAsync(0);
        await Assertions.Expect(table.GetByRole(AriaRole.Link, new() { Name = "Alpha pilot" })).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("Search")).ToHaveValueAsync("alpha");
    });

    [Fact]
    public Task A_deleted_deal_is_restored_from_the_deleted_list() => RunAsync(nameof(A_deleted_deal_is_restored_from_the_deleted_list), async page =>
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Oops deleted", deletedAt: DateTimeOffset.UtcNow.AddDays(-3));
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/deals");

        await page.GetByLabel("Status").SelectOptionAsync(new SelectOptionValue { Label = "Deleted" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore Oops deleted" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 deal restored.");
        (await App.FindDealAsync(id))!.DeletedAt.Should().BeNull();
        await page.GotoAsync("/deals");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Oops deleted" })).ToBeVisibleAsync();
    });

    [GeneratedRegex(@"/deals\?.*search=alpha.*minValue=1000|/deals\?.*minValue=1000.*search=alpha")]
    private static partial Regex FilterUrl();
}
