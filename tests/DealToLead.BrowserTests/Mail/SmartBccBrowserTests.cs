using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Mail;

public class SmartBccBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task A_mail_Bccd_to_the_deal_through_SMTP_shows_on_the_deal_and_moves_with_its_file_to_the_lead() =>
        RunAsync(nameof(A_mail_Bccd_to_the_deal_through_SMTP_shows_on_the_deal_and_moves_with_its_file_to_the_lead), async page =>
        {
            var deal = await App.WithDbAsync(new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled("Deal that gets mail")
                .WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 0, history: 0).BuildAsync);
            await SignInAsync(page, DemoUsers.Rep);
            await page.GotoAsync($"/deals/{deal.Id}");
            var bccAddress = await page.GetByTestId("bcc-address").InputValueAsync();

            try
            {
                await App.Catcher.SendAsync("buyer@example.com", "rep@example.com", bccAddress, "Signed order form", "Please find the order attached.");

                var threads = page.GetByTestId("email-threads");
                for (var attempt = 0; attempt < 30 && !(await threads.InnerTextAsync()).Contains("Signed order form", StringComparison.Ordinal); attempt++)
                {
                    await Task.Delay(1000);
                    await page.ReloadAsync();
                }

                await Assertions.Expect(threads).ToContainTextAsync("Signed order form");

                await page.GetByLabel("Attach a file").SetInputFilesAsync(new FilePayload { Name = "Order.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.7\n%%EOF\n"u8.ToArray() });
                await page.GetByRole(AriaRole.Button, new() { Name = "Upload file" }).ClickAsync();
                await Assertions.Expect(page.GetByTestId("files")).ToContainTextAsync("Order.pdf");

                await page.GetByLabel("More actions").ClickAsync();
                await page.GetByRole(AriaRole.Link, new() { Name = "Convert to lead" }).ClickAsync();
                await Assertions.Expect(page.GetByTestId("moves")).ToContainTextAsync("1 email");
                await Assertions.Expect(page.GetByTestId("moves")).ToContainTextAsync("1 file");
                await page.GetByRole(AriaRole.Button, new() { Name = "Convert to lead" }).ClickAsync();

                await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/leads/[0-9a-f-]{36}$"));
                await Assertions.Expect(page.GetByTestId("lead-emails")).ToContainTextAsync("Signed order form");
                await Assertions.Expect(page.GetByTestId("files")).ToContainTextAsync("Order.pdf");
            }
            finally
            {
                await App.Catcher.DeleteAllAsync();
            }
        });
}
