using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DealToLead.BrowserTests.Layout;

/// <summary>Issue #20: every page at 390 × 844 and 1440 × 900, by keyboard, in English and Swedish.</summary>
public class PhoneAndWideScreenBrowserTests(BrowserApp app, ITestOutputHelper output) : BrowserTest(app)
{
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Wide = new() { Width = 1440, Height = 900 };

    internal static async Task<(Deal Deal, Deal Won, Lead Lead)> WorldAsync(BrowserApp app)
    {
        var admin = await app.UserIdAsync(DemoUsers.Admin);
        var deal = await app.WithDbAsync(new DealBuilder(admin).Titled("Enterprise licence renewal for the northern region").Worth(78678m).WithProbability(40).WithWorld(upcoming: 2, done: 1, notes: 1, emails: 1, invoices: 1, history: 2).BuildAsync);
        var won = await app.WithDbAsync(new DealBuilder(admin).Titled("Signed framework agreement").WithStatus(DealStatus.Won).BuildAsync);
        var lead = await app.WithDbAsync(db => new LeadBuilder(admin).Titled("Parked deal with a rather long title to wrap").ConvertedFromDeal().BuildAsync(db));
        return (deal, won, lead);
    }

    internal static string[] Routes(Deal deal, Lead lead) =>
    [
        "/pipeline", $"/pipeline/move/{deal.Id}", "/deals", "/deals?status=Deleted", "/deals/new", $"/deals/{deal.Id}", $"/deals/{deal.Id}/edit", $"/deals/{deal.Id}/convert",
        "/leads", $"/leads?selected={lead.Id}", "/leads/archived", "/leads/new", $"/leads/{lead.Id}", $"/leads/{lead.Id}/edit",
        "/persons", "/organizations", "/persons/new", "/organizations/new",
        "/settings", "/settings/profile", "/settings/users", "/settings/users/new", "/settings/permission-sets", "/settings/lead-labels",
        "/settings/pipelines", "/settings/custom-fields", "/settings/conversion", "/settings/email-sync", "/emails/unlinked",
    ];

    private const string WidestElement = """
        () => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`).slice(0, 6).join(" | ")
        """;

    private static Task<int> PageWidthAsync(IPage page) => page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");

    [Fact]
    public Task No_page_scrolls_sideways_on_a_phone() => RunAsync(nameof(No_page_scrolls_sideways_on_a_phone), async page =>
    {
        var (deal, _, lead) = await WorldAsync(App);
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await page.GotoAsync("/login");
        var widths = new List<string> { $"/login {await PageWidthAsync(page)}" };
        await SignInAsync(page, DemoUsers.Admin);

        var tooWide = new List<string>();
        foreach (var route in Routes(deal, lead))
        {
            var response = await page.GotoAsync(route);
            response!.Ok.Should().BeTrue(route);
            var width = await PageWidthAsync(page);
            widths.Add($"{route} {width}");
            if (width > Phone.Width)
            {
                tooWide.Add($"{route}: {width} px, widest: {await page.EvaluateAsync<string>(WidestElement)}");
            }
        }

        output.WriteLineSafe("Page widths at 390 px: " + string.Join(", ", widths));
        tooWide.Should().BeEmpty("no page may scroll sideways at 390 px (the board scrolls its columns inside itself)");
    });

    [Fact]
    public Task On_a_phone_the_menu_is_a_button_that_opens_and_closes_by_keyboard() => RunAsync(nameof(On_a_phone_the_menu_is_a_button_that_opens_and_closes_by_keyboard), async page =>
    {
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/deals");
        var menuButton = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        var settings = page.GetByRole(AriaRole.Navigation, new() { Name = "Main menu" }).GetByRole(AriaRole.Link, new() { Name = "Settings" });
        await Assertions.Expect(menuButton).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(settings).ToBeHiddenAsync();

        // Keyboard path: the skip link first, then the brand, then the menu button.
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(menuButton).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(menuButton).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(settings).ToBeVisibleAsync();
        var box = (await settings.BoundingBoxAsync())!;
        (box.X + box.Width).Should().BeLessThanOrEqualTo(Phone.Width);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(menuButton).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(menuButton).ToBeFocusedAsync();

        // At 1440 px the menu is a row of links and the button is gone.
        await page.SetViewportSizeAsync(Wide.Width, Wide.Height);
        await Assertions.Expect(menuButton).ToBeHiddenAsync();
        await Assertions.Expect(settings).ToBeVisibleAsync();
    });

    [Fact]
    public Task On_a_phone_the_deal_page_stacks_its_columns_and_the_boards_move_dialog_fits() => RunAsync(nameof(On_a_phone_the_deal_page_stacks_its_columns_and_the_boards_move_dialog_fits), async page =>
    {
        var (deal, _, _) = await WorldAsync(App);
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync($"/deals/{deal.Id}");
        var details = (await page.Locator("#details-title").BoundingBoxAsync())!;
        var activities = (await page.Locator("#activities-title").BoundingBoxAsync())!;
        activities.Y.Should().BeGreaterThan(details.Y, "the columns stack on a phone");
        await Assertions.Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("78,678\u00a0EUR");

        // Touch: the card's Move link opens the dialog, whose Save is on the screen.
        await page.GotoAsync("/pipeline");
        await page.Locator($".card[data-deal-id='{deal.Id}'] a.card-move").TapAsync();
        var dialog = page.Locator("#move-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        var dialogBox = (await dialog.BoundingBoxAsync())!;
        dialogBox.Width.Should().BeLessThanOrEqualTo(Phone.Width);
        var save = (await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).BoundingBoxAsync())!;
        (save.X + save.Width).Should().BeLessThanOrEqualTo(Phone.Width);
        (save.Y + save.Height).Should().BeLessThanOrEqualTo(Phone.Height);
    }, hasTouch: true);

    [Fact]
    public Task The_whole_conversion_works_on_a_phone_and_the_lead_opens_as_its_own_page() => RunAsync(nameof(The_whole_conversion_works_on_a_phone_and_the_lead_opens_as_its_own_page), async page =>
    {
        var (deal, _, _) = await WorldAsync(App);
        await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync("/pipeline");
        await page.Locator($".card[data-deal-id='{deal.Id}'] a.card-move").TapAsync();
        var dialog = page.Locator("#move-dialog");
        await dialog.GetByLabel("Leads").CheckAsync();
        await Assertions.Expect(dialog.GetByTestId("moves")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).TapAsync();
        var flash = page.GetByRole(AriaRole.Status);
        await Assertions.Expect(flash).ToContainTextAsync("converted to a lead");
        var leadLink = flash.GetByRole(AriaRole.Link, new() { Name = "Open the lead" });
        await Assertions.Expect(leadLink).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/leads/[0-9a-f-]{36}$"));

        await page.GotoAsync("/leads");
        await page.GetByRole(AriaRole.Link, new() { Name = deal.Title }).TapAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/leads/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, Name = deal.Title })).ToBeVisibleAsync();
        var convert = page.GetByRole(AriaRole.Button, new() { Name = "Convert to deal" });
        var box = (await convert.BoundingBoxAsync())!;
        (box.X + box.Width).Should().BeLessThanOrEqualTo(Phone.Width, "Convert to deal is not cut off");
        await Assertions.Expect(page.GetByTestId("lead-value")).ToHaveTextAsync("78,678\u00a0EUR");
        await Assertions.Expect(page.GetByTestId("lead-probability")).ToHaveTextAsync("40\u00a0%");
        (await PageWidthAsync(page)).Should().BeLessThanOrEqualTo(Phone.Width);
    }, hasTouch: true);

    [Fact]
    public Task At_1440_the_inbox_list_has_its_width_and_the_chosen_lead_opens_beside_it_with_focus() => RunAsync(nameof(At_1440_the_inbox_list_has_its_width_and_the_chosen_lead_opens_beside_it_with_focus), async page =>
    {
        var (_, _, lead) = await WorldAsync(App);
        await page.SetViewportSizeAsync(Wide.Width, Wide.Height);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync("/leads");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Leads" });
        var tableBox = (await table.BoundingBoxAsync())!;
        tableBox.Width.Should().BeGreaterThan(1300, "without a chosen lead the list takes the page's width");
        await Assertions.Expect(page.Locator("#lead-panel")).ToBeHiddenAsync();

        await table.GetByRole(AriaRole.Link, new() { Name = lead.Title }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"selected={lead.Id}"));
        var panel = page.GetByRole(AriaRole.Complementary, new() { Name = "Selected lead" });
        await Assertions.Expect(panel).ToBeFocusedAsync();
        var panelBox = (await panel.BoundingBoxAsync())!;
        tableBox = (await table.BoundingBoxAsync())!;
        panelBox.X.Should().BeGreaterThanOrEqualTo(tableBox.X + tableBox.Width, "the panel opens beside the list");
        panelBox.Y.Should().BeLessThan(400);
        var created = (await table.Locator("tbody tr").First.Locator("td").Last.BoundingBoxAsync())!;
        created.Height.Should().BeLessThan(45, "dates do not break over lines");
        (created.X + created.Width).Should().BeLessThanOrEqualTo(panelBox.X, "the Created column is not cut");
        (await PageWidthAsync(page)).Should().BeLessThanOrEqualTo(Wide.Width);
    });

    [Fact]
    public Task Every_page_renders_in_Swedish_for_a_user_who_chose_it() => RunAsync(nameof(Every_page_renders_in_Swedish_for_a_user_who_chose_it), async page =>
    {
        var (deal, _, lead) = await WorldAsync(App);
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync("/settings/profile");
        await page.GetByLabel("Language of DealToLead").SelectOptionAsync(new SelectOptionValue { Label = "Svenska" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Språket är sparat.");

        // The menu, headings and a few words only English has: none may be left on a Swedish page.
        string[] english = ["Leads Inbox", "Sign out", "Settings", "Deals</", "Apply filters", "Previous", "Convert to lead", "Owner:", "Expected close date", "Upcoming activities"];
        var localized = new[] { "/pipeline", $"/pipeline/move/{deal.Id}", "/deals", "/deals?status=Deleted", $"/deals/{deal.Id}", $"/deals/{deal.Id}/convert", "/leads", $"/leads?selected={lead.Id}", "/leads/archived", "/leads/new", $"/leads/{lead.Id}", $"/leads/{lead.Id}/edit", "/settings", "/settings/profile" };
        var leaks = new List<string>();
        foreach (var route in localized)
        {
            await page.GotoAsync(route);
            (await page.Locator("html").GetAttributeAsync("lang")).Should().Be("sv-SE", route);
            var html = await page.Locator("body").InnerHTMLAsync();
            leaks.AddRange(english.Where(word => html.Contains(word, StringComparison.Ordinal)).Select(word => $"{route}: {word}"));
        }

        leaks.Should().BeEmpty();
        await page.GotoAsync($"/deals/{deal.Id}");
        await Assertions.Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("78\u00a0678\u00a0EUR");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Huvudmeny" }).GetByRole(AriaRole.Link, new() { Name = "Leads-inkorg" })).ToBeVisibleAsync();
        await page.GotoAsync($"/leads/{lead.Id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Konvertera till affär" })).ToBeVisibleAsync();
    });

    [Fact]
    public async Task A_signed_out_page_follows_the_browsers_language_and_the_favicon_is_served()
    {
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        (await page.Locator("html").GetAttributeAsync("lang")).Should().Be("sv-SE");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Logga in på DealToLead" })).ToBeVisibleAsync();
        var rememberMe = (await page.GetByLabel("Håll mig inloggad").BoundingBoxAsync())!;
        rememberMe.Width.Should().BeLessThan(30, "the checkbox sits beside its label, not stretched across the card");
        var favicon = await page.APIRequest.GetAsync("/favicon.ico");
        favicon.Status.Should().Be(200);
    }

    [Fact]
    public Task Actions_that_cannot_work_are_not_offered_and_say_why() => RunAsync(nameof(Actions_that_cannot_work_are_not_offered_and_say_why), async page =>
    {
        var (deal, won, _) = await WorldAsync(App);
        await SignInAsync(page, DemoUsers.Admin);

        // A won deal: Convert to lead is not a link, and the menu says why; Escape closes the menu.
        await page.GotoAsync($"/deals/{won.Id}");
        await page.GetByLabel("More actions").ClickAsync();
        await Assertions.Expect(page.GetByTestId("convert-unavailable")).ToContainTextAsync("Won deals cannot be converted to leads.");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Convert to lead" })).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("convert-unavailable")).ToBeHiddenAsync();

        // The deal list: nothing ticked, nothing offered; ticking shows the count and the actions.
        await page.GotoAsync("/deals?status=AllNotDeleted");
        var bar = page.GetByRole(AriaRole.Region, new() { Name = "Selected deals" });
        await Assertions.Expect(bar).ToBeHiddenAsync();
        await page.GetByLabel($"Select {deal.Title}").CheckAsync();
        await page.GetByLabel($"Select {won.Title}").CheckAsync();
        await Assertions.Expect(bar.GetByTestId("selected-count")).ToHaveTextAsync("2 selected");
        await bar.GetByRole(AriaRole.Button, new() { Name = "Convert to leads" }).ClickAsync();

        // The confirm page does not contradict itself and speaks no internal names.
        var count = page.GetByTestId("bulk-count");
        await Assertions.Expect(count).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\s*2 deals selected\.\s*1 will be converted to a lead in the Leads Inbox\.\s*$"));
        await Assertions.Expect(page.GetByTestId("bulk-rejections")).ToContainTextAsync("Won deals cannot be converted to leads.");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("The other");
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert 1 to leads" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("bulk-summary")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("tbody").GetByRole(AriaRole.Link, new() { Name = deal.Title })).ToHaveAttributeAsync("href", $"/deals/{deal.Id}");

        // The summary was seen: the list's banner does not come back. The deleted deal says Deleted.
        await page.GotoAsync("/deals");
        await Assertions.Expect(page.GetByTestId("bulk-job-banner")).ToHaveCountAsync(0);
        await page.GotoAsync("/deals?status=Deleted");
        await Assertions.Expect(page.GetByTestId("row-status").First).ToHaveTextAsync("Deleted");
        await page.GotoAsync($"/deals/{deal.Id}");
        await Assertions.Expect(page.GetByTestId("deal-status")).ToHaveTextAsync("Deleted");

        // Restore the deal: the lead stays and says why Undo is not offered.
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();
        var leadId = await App.WithDbAsync(db => Task.FromResult(db.Leads.Where(l => l.OriginDealId == deal.Id).Select(l => l.Id).Single()));
        await page.GotoAsync($"/leads/{leadId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Undo conversion" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("undo-unavailable")).ToContainTextAsync("the deal was restored");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open lead page" })).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Undo_conversion_asks_first_and_labels_are_chips_with_a_picker() => RunAsync(nameof(Undo_conversion_asks_first_and_labels_are_chips_with_a_picker), async page =>
    {
        var (deal, _, _) = await WorldAsync(App);
        await App.WithDbAsync(async db =>
        {
            db.LeadLabels.Add(new LeadLabel { Name = "Hot", Color = LeadLabelColor.Red });
            await db.SaveChangesAsync();
            return 0;
        });
        await SignInAsync(page, DemoUsers.Admin);
        await page.GotoAsync($"/deals/{deal.Id}/convert");
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert to lead" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/leads/[0-9a-f-]{36}$"));

        await page.GetByLabel("Choose labels").ClickAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Hot" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("lead-labels").Locator(":scope > .lead-label")).ToHaveTextAsync("Hot");
        await Assertions.Expect(page.Locator("select[multiple]")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Undo conversion" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Undo the conversion?" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        page.Url.Should().Contain("/leads/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo conversion" }).ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Undo conversion" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/deals/{deal.Id}$"));
        await Assertions.Expect(page.GetByTestId("deal-status")).ToHaveTextAsync("Open");
    });
}

internal static class TestOutput
{
    /// <summary>The figures go to the test log (and the README); a disposed helper must not fail a passing test.</summary>
    public static void WriteLineSafe(this ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
