using DealToLead.Core.Data;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Conversions;

public class ConversionBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task A_rep_converts_a_deal_from_the_detail_menu_and_lands_on_the_lead() => RunAsync(nameof(A_rep_converts_a_deal_from_the_detail_menu_and_lands_on_the_lead), async page =>
    {
        await App.WithDbAsync(DealBuilder.AddWeightedValueFormulaAsync);
        var deal = await App.WithDbAsync(new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled("Parked renewal").WithWorld(upcoming: 3, done: 5, notes: 4, emails: 6, invoices: 2).BuildAsync);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync($"/deals/{deal.Id}");

        await page.GetByLabel("More actions").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Convert to lead" }).ClickAsync();

        var preview = page.GetByTestId("conversion-preview");
        await Assertions.Expect(preview).ToContainTextAsync("3 upcoming activities, 4 notes, 6 emails");
        await Assertions.Expect(preview).ToContainTextAsync("5 done activities, 2 invoices and the deal history");
        await Assertions.Expect(page.GetByTestId("formula-message")).ToContainTextAsync("Weighted value");
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert to lead" }).ClickAsync();

        var lead = await WaitForLeadAsync(deal.Id);
        await Assertions.Expect(page).ToHaveURLAsync($"{App.BaseUrl}/leads/{lead}");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("converted to a lead");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Parked renewal" }).First).ToBeVisibleAsync();
    });

    [Fact]
    public Task A_rep_drags_a_card_onto_move_to_chooses_leads_and_saves() => RunAsync(nameof(A_rep_drags_a_card_onto_move_to_chooses_leads_and_saves), async page =>
    {
        var deal = await App.WithDbAsync(new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled("Not ready yet").WithWorld(upcoming: 2, done: 1, notes: 1, emails: 1).BuildAsync);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");
        var card = page.Locator($".card[data-deal-id='{deal.Id}']");

        await DragOntoBarAsync(page, card, "Move to");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Move to" });
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Leads" }).CheckAsync();
        await Assertions.Expect(dialog.GetByTestId("conversion-preview")).ToContainTextAsync("2 upcoming activities, 1 note, 1 email");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{App.BaseUrl}/pipeline");
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("converted to a lead");
        await Assertions.Expect(card).ToHaveCountAsync(0);
        (await WaitForLeadAsync(deal.Id)).Should().NotBeEmpty();
    });

    private async Task<Guid> WaitForLeadAsync(int dealId)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var lead = await App.WithDbAsync((CrmDbContext db) => db.Leads.Where(l => l.OriginDealId == dealId).Select(l => (Guid?)l.Id).FirstOrDefaultAsync());
            if (lead is { } id)
            {
                return id;
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"No lead was made from deal {dealId}.");
    }
}
