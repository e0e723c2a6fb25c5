using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Pipelines;

public class BoardMoveBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task A_keyboard_user_opens_move_on_a_card_and_moves_it_with_the_dialog() => RunAsync(nameof(A_keyboard_user_opens_move_on_a_card_and_moves_it_with_the_dialog), async page =>
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Keyboard deal", stageIndex: 1);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");

        var move = page.Locator($".card[data-deal-id='{id}']").GetByRole(AriaRole.Link, new() { Name = "Move", Exact = true });
        await Assertions.Expect(move).ToHaveAccessibleDescriptionAsync("Keyboard deal");
        await move.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Move to" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        var stage = dialog.GetByLabel("Stage", new() { Exact = true });
        await Assertions.Expect(stage).ToHaveValueAsync(world.SalesStages[1].ToString(), new() { Timeout = 5_000 });
        await stage.SelectOptionAsync(new SelectOptionValue { Label = "Proposal" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deal moved.");
        await Assertions.Expect(page.Locator($".stage[data-stage-id='{world.SalesStages[2]}'] .card[data-deal-id='{id}']")).ToBeVisibleAsync();
        (await App.FindDealAsync(id))!.StageId.Should().Be(world.SalesStages[2]);
    });

    [Fact]
    public async Task Without_script_a_cards_move_link_opens_a_stage_picker_that_moves_the_deal()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "No-script deal");
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, JavaScriptEnabled = false });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");

        await page.Locator($".card[data-deal-id='{id}']").GetByRole(AriaRole.Link, new() { Name = "Move", Exact = true }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{App.BaseUrl}/pipeline/move/{id}");
        await page.GetByLabel("Pipeline and stage").SelectOptionAsync(new SelectOptionValue { Label = "Contract" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deal moved.");
        await Assertions.Expect(page).ToHaveURLAsync($"{App.BaseUrl}/pipeline?pipelineId={world.SalesId}");
        var deal = (await App.FindDealAsync(id))!;
        deal.PipelineId.Should().Be(world.PartnershipsId);
        deal.StageId.Should().Be(world.PartnershipStages[1]);
    }
}
