using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Leads;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Leads;

public class LeadsInboxBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task The_manager_filters_to_source_Deal_and_opens_a_converted_lead() => RunAsync(nameof(The_manager_filters_to_source_Deal_and_opens_a_converted_lead), async page =>
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var lead = await App.WithDbAsync(async db =>
        {
            await new LeadBuilder(manager).Titled("Web form enquiry").From(LeadSource.WebForms).BuildAsync(db);
            return await new LeadBuilder(manager).Titled("Parked pipeline deal").ConvertedFromDeal().BuildAsync(db);
        });
        await SignInAsync(page, DemoUsers.Manager);
        await page.GotoAsync("/leads");

        await page.GetByRole(AriaRole.Link, new() { Name = "Source: Deal" }).ClickAsync();
        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Leads" }).Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await rows.GetByRole(AriaRole.Link, new() { Name = "Parked pipeline deal" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"selected={lead.Id}"));
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("source=Deal"));
        var panel = page.GetByRole(AriaRole.Complementary, new() { Name = "Selected lead" });
        await Assertions.Expect(panel.GetByTestId("lead-activities")).ToContainTextAsync("Upcoming 0");
        await Assertions.Expect(panel.GetByTestId("lead-notes")).ToContainTextAsync("Note 0");
        await Assertions.Expect(panel.GetByTestId("lead-emails")).ToContainTextAsync("Email 0");
        await Assertions.Expect(panel.GetByTestId("lead-log")).ToContainTextAsync("Converted from deal");
        await Assertions.Expect(panel.GetByRole(AriaRole.Link, new() { Name = "Deal", Exact = true })).ToHaveAttributeAsync("href", $"/deals/{lead.OriginDealId}");
        await Assertions.Expect(rows.First.Locator(".badge-new")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task The_manager_labels_and_archives_a_lead() => RunAsync(nameof(The_manager_labels_and_archives_a_lead), async page =>
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var lead = await App.WithDbAsync(async db =>
        {
            db.LeadLabels.Add(new LeadLabel { Name = "Hot", Color = LeadLabelColor.Red });
            db.LeadLabels.Add(new LeadLabel { Name = "Cold", Color = LeadLabelColor.Blue });
            await db.SaveChangesAsync();
            return await new LeadBuilder(manager).Titled("Label me").BuildAsync(db);
        });
        await SignInAsync(page, DemoUsers.Manager);
        await page.GotoAsync($"/leads?selected={lead.Id}");
        var panel = page.GetByRole(AriaRole.Complementary, new() { Name = "Selected lead" });

        await panel.GetByLabel("Choose labels").ClickAsync();
        await panel.GetByRole(AriaRole.Checkbox, new() { Name = "Hot" }).CheckAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var row = page.Locator($"tr[data-lead-id='{lead.Id}']");
        await Assertions.Expect(row.Locator(".lead-label")).ToHaveTextAsync("Hot");

        await page.GetByRole(AriaRole.Complementary, new() { Name = "Selected lead" }).GetByRole(AriaRole.Button, new() { Name = "Archive", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("archived");
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{lead.Id}']")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Archived", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{lead.Id}']")).ToHaveCountAsync(1);
    });

    [Fact]
    public Task Two_ticked_rows_are_archived_together_and_one_is_moved_back_from_the_archive() => RunAsync(nameof(Two_ticked_rows_are_archived_together_and_one_is_moved_back_from_the_archive), async page =>
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var (first, second, untouched) = await App.WithDbAsync(async db => (
            await new LeadBuilder(manager).Titled("Archive me first").BuildAsync(db),
            await new LeadBuilder(manager).Titled("Archive me second").BuildAsync(db),
            await new LeadBuilder(manager).Titled("Keep me").BuildAsync(db)));
        await SignInAsync(page, DemoUsers.Manager);
        await page.GotoAsync("/leads");

        // The rows' boxes sit outside the bulk form and join it by their form attribute.
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Archive me first" }).CheckAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Archive me second" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Archive selected" }).ClickAsync();

        var rows = page.GetByRole(AriaRole.Table, new() { Name = "Leads" }).Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{untouched.Id}']")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Archived", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{first.Id}'], tr[data-lead-id='{second.Id}']")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select Archive me second" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Move selected back to inbox" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{first.Id}']")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-lead-id='{second.Id}'], tr[data-lead-id='{untouched.Id}']")).ToHaveCountAsync(2);
    });
}
