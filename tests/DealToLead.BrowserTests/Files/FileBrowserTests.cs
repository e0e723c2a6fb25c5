using DealToLead.Core.Data;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Files;

public class FileBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task A_rep_attaches_a_file_on_the_deal_converts_the_deal_and_finds_the_file_on_the_lead() =>
        RunAsync(nameof(A_rep_attaches_a_file_on_the_deal_converts_the_deal_and_finds_the_file_on_the_lead), async page =>
        {
            var deal = await App.WithDbAsync(new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled("Deal with a proposal")
                .WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 0, history: 0).BuildAsync);
            await SignInAsync(page, DemoUsers.Rep);
            await page.GotoAsync($"/deals/{deal.Id}");

            await page.GetByLabel("Attach a file").SetInputFilesAsync(new FilePayload
            {
                Name = "Proposal.pdf",
                MimeType = "application/pdf",
                Buffer = "%PDF-1.7\n%%EOF\n"u8.ToArray(),
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Upload file" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("File attached.");
            await Assertions.Expect(page.GetByTestId("files")).ToContainTextAsync("Proposal.pdf");

            await page.GetByLabel("More actions").ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Convert to lead" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("conversion-preview")).ToContainTextAsync("1 file");
            await page.GetByRole(AriaRole.Button, new() { Name = "Convert to lead" }).ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/leads/[0-9a-f-]{36}$"));
            var files = page.GetByTestId("files");
            await Assertions.Expect(files).ToContainTextAsync("Proposal.pdf");
            var download = await page.RunAndWaitForDownloadAsync(() => files.GetByRole(AriaRole.Link, new() { Name = "Proposal.pdf" }).ClickAsync());
            download.SuggestedFilename.Should().Be("Proposal.pdf");
            (await App.WithDbAsync((CrmDbContext db) => db.Files.SingleAsync())).LeadId.Should().NotBeNull();
        });
}
