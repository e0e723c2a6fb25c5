using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Layout;

/// <summary>Issue #20: the inbox's rows are cards on a phone, and the deal page edits its details in place as the lead page does.</summary>
public class InboxCardsAndDealInlineEditBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task On_a_phone_each_lead_is_a_card_that_reads_without_scrolling_sideways() => RunAsync(nameof(On_a_phone_each_lead_is_a_card_that_reads_without_scrolling_sideways), async page =>
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var lead = await App.WithDbAsync(db => new LeadBuilder(admin).Titled("Parked deal with a rather long title to wrap on a phone").ConvertedFromDeal().BuildAsync(db));
        await page.SetViewportSizeAsync(390, 844);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync("/leads");

        // Nothing scrolls inside the list: the table's content is as wide as its box.
        var table = page.Locator("table.leads-grid");
        var overflow = await table.EvaluateAsync<int>("t => t.scrollWidth - t.clientWidth");
        overflow.Should().BeLessThanOrEqualTo(1, "a phone shows cards, not a table that scrolls inside its box");

        var card = table.Locator($"tbody tr[data-lead-id='{lead.Id}']");
        var cardBox = (await card.BoundingBoxAsync())!;
        cardBox.X.Should().BeGreaterThanOrEqualTo(0);
        (cardBox.X + cardBox.Width).Should().BeLessThanOrEqualTo(390);

        // Every value the row has is on the card, inside it, with its column's name where the value alone says too little.
        var title = card.GetByRole(AriaRole.Link, new() { Name = lead.Title });
        await Assertions.Expect(title).ToBeInViewportAsync();
        foreach (var cell in await card.Locator("td").AllAsync())
        {
            if (!await cell.IsVisibleAsync())
            {
                continue;
            }

            var box = (await cell.BoundingBoxAsync())!;
            (box.X + box.Width).Should().BeLessThanOrEqualTo(cardBox.X + cardBox.Width + 1, await cell.InnerTextAsync());
        }

        var created = await card.Locator("td").Last.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content");
        created.Should().Contain("Created");
        (await card.Locator("td").CountAsync()).Should().BeGreaterThan(3);
        cardBox.Height.Should().BeLessThan(260, "a card is a few lines, not a column of cells");

        // Sorting stays within reach: the column headings are a row of links above the cards.
        var sortByTitle = table.Locator("thead").GetByRole(AriaRole.Link, new() { Name = "Title" });
        await Assertions.Expect(sortByTitle).ToBeVisibleAsync();
    });

    [Fact]
    public Task The_deal_page_edits_title_value_probability_and_close_date_in_place() => RunAsync(nameof(The_deal_page_edits_title_value_probability_and_close_date_in_place), async page =>
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var deal = await App.WithDbAsync(new DealBuilder(admin).Titled("Fleet renewal").Worth(12500m).WithProbability(20).BuildAsync);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync($"/deals/{deal.Id}");

        var details = page.GetByRole(AriaRole.Region, new() { Name = "Details" });
        await details.GetByText("Edit details").ClickAsync();
        await details.GetByLabel("Title").FillAsync("Fleet renewal, 40 vans");
        await details.GetByLabel("Value").FillAsync("90000");
        await details.GetByLabel("Probability (%)").FillAsync("55");
        await details.GetByLabel("Expected close date").FillAsync("2027-03-31");
        await details.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Deal saved.");
        page.Url.Should().EndWith($"/deals/{deal.Id}", "the page stays where the rep was");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Fleet renewal, 40 vans");
        await Assertions.Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("90,000\u00a0EUR");
        await Assertions.Expect(details).ToContainTextAsync("55\u00a0%");
        await Assertions.Expect(details).ToContainTextAsync("31 Mar 2027");
        var saved = (await App.FindDealAsync(deal.Id))!;
        (saved.Title, saved.ValueAmount, saved.Probability, saved.ExpectedCloseDate).Should().Be(("Fleet renewal, 40 vans", 90000m, 55, new DateOnly(2027, 3, 31)));

        // A value the domain refuses is said on the page and nothing changes.
        await details.GetByText("Edit details").ClickAsync();
        await details.GetByLabel("Currency").FillAsync("E1");
        await details.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Currency must be a three-letter ISO code");
        (await App.FindDealAsync(deal.Id))!.ValueCurrency.Should().Be("EUR");
    });

    [Fact]
    public Task A_deal_the_user_may_not_edit_has_no_inline_edit() => RunAsync(nameof(A_deal_the_user_may_not_edit_has_no_inline_edit), async page =>
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var deal = await App.WithDbAsync(new DealBuilder(admin).Titled("Someone else's deal").BuildAsync);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync($"/deals/{deal.Id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Someone else's deal");
        await Assertions.Expect(page.GetByTestId("deal-inline-edit")).ToHaveCountAsync(0);
    });
}
