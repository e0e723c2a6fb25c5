using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;

namespace DealToLead.BrowserTests.Layout;

/// <summary>
/// The README's screenshots of the board, the inbox and a lead, at 390 and 1440 px, in Swedish and English. They
/// are written to artifacts/screenshots/ on every run; copy them to docs/screenshots/ when the UI changes.
/// </summary>
public class ReadmeScreenshotTests(BrowserApp app) : BrowserTest(app)
{
    private static readonly string Directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "artifacts", "screenshots"));

    [Fact]
    public Task The_board_the_inbox_and_a_lead_are_photographed_on_a_phone_and_a_wide_screen() => RunAsync(nameof(The_board_the_inbox_and_a_lead_are_photographed_on_a_phone_and_a_wide_screen), async page =>
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        for (var i = 1; i <= 4; i++)
        {
            await App.WithDbAsync(new DealBuilder(rep).Titled($"Fleet renewal {i}").Worth(12500m * i).WithProbability(20 * i).WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0, invoices: 0, history: 0).BuildAsync);
        }

        var lead = await App.WithDbAsync(db => new LeadBuilder(rep).Titled("Parked: warehouse scanners").ConvertedFromDeal().BuildAsync(db));
        System.IO.Directory.CreateDirectory(Directory);
        await SignInAsync(page, DemoUsers.Rep);
        foreach (var (width, height, name) in new[] { (1440, 900, "wide"), (390, 844, "phone") })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (route, shot) in new[] { ("/pipeline", "board"), ("/leads", "inbox-list"), ($"/leads?selected={lead.Id}", "inbox"), ($"/leads/{lead.Id}", "lead") })
            {
                await page.GotoAsync(route);
                await page.ScreenshotAsync(new() { Path = Path.Combine(Directory, $"{shot}-{name}.png") });
            }
        }

        File.Exists(Path.Combine(Directory, "lead-phone.png")).Should().BeTrue();
    });
}
