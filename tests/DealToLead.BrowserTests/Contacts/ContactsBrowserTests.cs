using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Contacts;

public partial class ContactsBrowserTests(BrowserApp app) : BrowserTest(app)
{
    [Fact]
    public Task A_person_created_from_the_people_list_appears_in_it_and_gets_a_deal() => RunAsync(nameof(A_person_created_from_the_people_list_appears_in_it_and_gets_a_deal), async page =>
    {
        await App.CreateWorldAsync();
        await SignInAsync(page, DemoUsers.Rep);
        await page.GotoAsync("/pipeline");

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Contacts" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New person" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(NewPersonUrl());
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Bea Browser");
        await page.GetByLabel("Emails (comma-separated)").FillAsync("bea@browser.test");
        await page.GetByLabel("Organization").SelectOptionAsync(new SelectOptionValue { Label = "Acme Corp" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create person" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Bea Browser created.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bea Browser" })).ToBeVisibleAsync();

        await page.GotoAsync("/persons");
        await page.GetByLabel("Search name or email").FillAsync("bea@");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var people = page.GetByRole(AriaRole.Table, new() { Name = "People" });
        await Assertions.Expect(people.GetByRole(AriaRole.Link, new() { Name = "Bea Browser" })).ToBeVisibleAsync();
        await Assertions.Expect(people.GetByRole(AriaRole.Link, new() { Name = "Pat Buyer" })).ToHaveCountAsync(0);

        await page.GotoAsync("/deals/new");
        await page.GetByLabel("Title").FillAsync("Deal for Bea");
        await page.GetByLabel("Person", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Bea Browser" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Create deal" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Deal created.");
        var deal = await App.WithDbAsync(db => db.Deals.AsNoTracking().Include(d => d.Person).SingleAsync(d => d.Title == "Deal for Bea"));
        deal.Person!.Name.Should().Be("Bea Browser");
        await page.GotoAsync("/persons?q=bea");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "People" }).GetByTestId("open-deals")).ToHaveTextAsync("1");
    });

    [GeneratedRegex("/persons/new$")]
    private static partial Regex NewPersonUrl();
}
