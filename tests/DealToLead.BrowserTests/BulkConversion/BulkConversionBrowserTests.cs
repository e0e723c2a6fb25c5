using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.BulkConversion;

public class BulkConversionBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task Three_selected_deals_are_confirmed_and_converted_with_visible_progress() => RunAsync(nameof(Three_selected_deals_are_confirmed_and_converted_with_visible_progress), async page =>
    {
        var data = await BulkTestData.CreateAsync(App);
        var ids = await data.DealsAsync(5, DemoUsers.Rep);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/deals?Status=Open");

        foreach (var id in ids.Take(3))
        {
            await page.Locator($"form#deal-selection input[type=checkbox][name=ids][value='{id}']").CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Convert to leads", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-count")).ToContainTextAsync("3 deals");
        await Assertions.Expect(page.GetByText("You will get an email when it is done.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Convert \d+ to leads$") }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/conversions/"));
        await Assertions.Expect(page.GetByTestId("bulk-summary")).ToContainTextAsync("3 converted", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open lead" })).ToHaveCountAsync(3);
        (await WaitForEmailAsync(DemoUsers.Rep.Email, "3 deals converted to leads")).Should().BeTrue("the confirmation email reaches the SMTP server");
    });

    private async Task<bool> WaitForEmailAsync(string to, string subject)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (App.Smtp.Messages.Any(m => m.To.Mailboxes.Any(b => b.Address == to) && (m.Subject ?? string.Empty).StartsWith(subject, StringComparison.Ordinal)))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    [Fact]
    public Task Filter_results_are_converted_from_the_more_actions_menu() => RunAsync(nameof(Filter_results_are_converted_from_the_more_actions_menu), async page =>
    {
        var data = await BulkTestData.CreateAsync(App);
        await data.DealsAsync(2, DemoUsers.Rep, d => d.StageId = data.SecondStageId, "Proposal");
        await data.DealsAsync(3, DemoUsers.Rep, titlePrefix: "Qualified");
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync($"/deals?Status=Open&StageId={data.SecondStageId}");

        await page.GetByLabel("More actions").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Convert filter results to leads" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-count")).ToContainTextAsync("2 deals");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Convert \d+ to leads$") }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("bulk-summary")).ToContainTextAsync("2 converted", new() { Timeout = 30_000 });
    });

    [Fact]
    public Task The_confirm_page_submits_a_job_whose_progress_page_refreshes_until_it_is_done() => RunAsync(nameof(The_confirm_page_submits_a_job_whose_progress_page_refreshes_until_it_is_done), async page =>
    {
        var data = await BulkTestData.CreateAsync(App);
        await data.DealsAsync(3, DemoUsers.Rep, d => d.StageId = data.SecondStageId, "Proposal");
        await data.DealsAsync(1, DemoUsers.Rep, d => (d.StageId, d.Status) = (data.SecondStageId, Core.Crm.DealStatus.Won), "Won");
        await SignInAsync(page, DemoUsers.Rep);

        await page.GotoAsync($"/deals/bulk-convert?Status=AllNotDeleted&StageId={data.SecondStageId}");
        await Assertions.Expect(page.GetByTestId("bulk-count")).ToContainTextAsync("4 deals");
        await Assertions.Expect(page.GetByTestId("bulk-rejections")).ToContainTextAsync("Won deals cannot be converted to leads");
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex(@"^Convert \d+ to leads$") }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/conversions/"));
        await Assertions.Expect(page.GetByTestId("bulk-summary")).ToContainTextAsync("3 converted, 1 rejected", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open lead" })).ToHaveCountAsync(3);
    });
}
