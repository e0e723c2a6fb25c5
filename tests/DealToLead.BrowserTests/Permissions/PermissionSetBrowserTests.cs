using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Permissions;

public class PermissionSetBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task An_admin_unticks_convert_deals_to_leads_on_the_default_set_and_saves() => RunAsync(nameof(An_admin_unticks_convert_deals_to_leads_on_the_default_set_and_saves), async page =>
    {
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync("/settings");
        await page.GetByRole(AriaRole.Link, new() { Name = "Permission sets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = PermissionSet.RegularUserDefaultName }).ClickAsync();

        var convert = page.GetByRole(AriaRole.Checkbox, new() { Name = Permission.ConvertDealsToLeads.Title() });
        await Assertions.Expect(convert).ToBeCheckedAsync();
        await convert.UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save permissions" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Permissions saved");

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = Permission.ConvertDealsToLeads.Title() })).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = Permission.DeleteDeals.Title() })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByTestId("permission-audit")).ToContainTextAsync("Turned off \"Convert deals to leads\" in \"Regular user (default)\"");
        await Assertions.Expect(page.GetByTestId("permission-audit")).ToContainTextAsync(DemoUsers.Admin.DisplayName);
    });
}
