using DealToLead.Infrastructure.Seeding;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Foundation;

public class SignInBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task The_rep_signs_in_and_sees_the_navigation() => RunAsync(nameof(The_rep_signs_in_and_sees_the_navigation), async page =>
    {
        await SignInAsync(page, DemoUsers.Rep);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in new[] { "Pipeline", "Deals", "Leads Inbox", "Settings" })
        {
            await Assertions.Expect(nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(DemoUsers.Rep.DisplayName);
    });

    [Fact]
    public Task A_wrong_password_shows_an_error() => RunAsync(nameof(A_wrong_password_shows_an_error), async page =>
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(DemoUsers.Rep.Email);
        await page.GetByLabel("Password").FillAsync("wrong-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password.");
    });
}
