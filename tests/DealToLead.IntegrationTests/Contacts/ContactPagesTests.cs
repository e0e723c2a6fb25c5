using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Contacts;

public partial class ContactPagesTests(DealToLeadApp app) : AppTest(app)
{
    private static List<string> Names(string page, string kind) =>
        RowLink().Matches(page).Where(m => m.Groups[1].Value == kind).Select(m => WebUtility.HtmlDecode(m.Groups[2].Value)).ToList();

    [GeneratedRegex("<td><a href=\"/(persons|organizations)/\\d+\">([^<]*)</a></td>")]
    private static partial Regex RowLink();

    private Task AddPersonsAsync(int count, int first = 0) => App.WithDbAsync(async db =>
    {
        db.Persons.AddRange(Enumerable.Range(first, count).Select(i => new Person { Name = $"Person {i:000}", Emails = [$"p{i}@list.test"] }));
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task The_person_list_pages_by_fifty_sorts_by_name_and_searches_names_and_emails()
    {
        await AddPersonsAsync(60);
        await App.WithDbAsync(async db =>
        {
            db.Persons.Add(new Person { Name = "Zoe Zed", Emails = ["someone@special.test", "zoe@work.test"], Phones = ["+46 70 123"] });
            await db.SaveChangesAsync();
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var first = await client.GetStringAsync("/persons");
        first.Should().Contain("61 people");
        Names(first, "persons").Should().HaveCount(50).And.BeInAscendingOrder().And.StartWith("Person 000");
        first.Should().Contain("href=\"/persons?page=2\"");

        var second = Names(await client.GetStringAsync("/persons?page=2"), "persons");
        second.Should().HaveCount(11).And.EndWith("Zoe Zed");

        Names(await client.GetStringAsync("/persons?dir=desc"), "persons").Should().StartWith(["Zoe Zed", "Person 059"]);

        var byEmail = await client.GetStringAsync("/persons?q=SPECIAL");
        Names(byEmail, "persons").Should().Equal("Zoe Zed");
        byEmail.Should().Contain("someone@special.test, zoe@work.test").And.Contain("46 70 123");
        Names(await client.GetStringAsync("/persons?q=person%2005"), "persons").Should().Equal(Enumerable.Range(50, 10).Select(i => $"Person {i:000}"));
        Names(await client.GetStringAsync("/persons?q=%25"), "persons").Should().BeEmpty("a % in the search is a character, not a wildcard");
    }

    [Fact]
    public async Task The_person_and_organization_lists_count_open_deals_the_user_may_see_and_people()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        await App.AddDealAsync(world, rep, "Open");
        await App.AddDealAsync(world, manager, "Open, company-wide");
        await App.AddDealAsync(world, manager, "Private to the manager", visibility: Visibility.OwnerOnly);
        await App.AddDealAsync(world, rep, "Deleted", deletedAt: DateTimeOffset.UtcNow);
        var won = await App.AddDealAsync(world, rep, "Won");
        await App.WithDbAsync(db => db.Deals.Where(d => d.Id == won).ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, DealStatus.Won)));
        await App.WithDbAsync(async db =>
        {
            db.Persons.Add(new Person { Name = "Second at Acme", OrganizationId = world.OrganizationId });
            db.Organizations.Add(new Organization { Name = "Globex", Address = "5 Side St" });
            await db.SaveChangesAsync();
        });
        await App.WithoutSeeingOthersDealsAsync();
        var client = await App.SignInAsync(DemoUsers.Rep);

        var persons = await client.GetStringAsync("/persons?q=pat");
        persons.Should().Contain("<td data-testid=\"open-deals\">2</td>").And.Contain($"<a href=\"/organizations/{world.OrganizationId}\">Acme Corp</a>");

        var orgs = await client.GetStringAsync("/organizations");
        Names(orgs, "organizations").Should().Equal("Acme Corp", "Globex");
        orgs.Should().Contain("1 Main St").And.Contain("<td data-testid=\"people\">2</td>").And.Contain("<td data-testid=\"open-deals\">2</td>");
        Names(await client.GetStringAsync("/organizations?q=side%20st"), "organizations").Should().Equal("Globex");
    }

    [Fact]
    public async Task Creating_a_person_redirects_to_the_detail_page_and_an_empty_name_is_refused()
    {
        var world = await App.CreateWorldAsync();
        var client = await App.SignInAsync(DemoUsers.Rep);

        var refused = await client.PostFormAsync("/persons/new", new Dictionary<string, string> { ["Name"] = "  ", ["Emails"] = "x@y.test" });
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("Name is required");

        var created = await client.PostFormAsync("/persons/new", new Dictionary<string, string>
        {
            ["Name"] = " Nia New ",
            ["Emails"] = "nia@new.test, nia@home.test",
            ["Phones"] = "+1 555 0100",
            ["OrganizationId"] = world.OrganizationId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var person = await App.WithDbAsync(db => db.Persons.AsNoTracking().SingleAsync(p => p.Name == "Nia New"));
        created.Headers.Location!.ToString().Should().Be($"/persons/{person.Id}");
        person.Emails.Should().Equal("nia@new.test", "nia@home.test");
        person.Phones.Should().Equal("+1 555 0100");
        person.OrganizationId.Should().Be(world.OrganizationId);
        (await client.GetStringAsync($"/persons/{person.Id}")).Should().Contain("Nia New created.");
        (await App.WithDbAsync(db => db.Persons.CountAsync())).Should().Be(2);
    }

    [Fact]
    public async Task A_contact_created_from_the_deal_form_comes_back_chosen_and_only_to_a_local_url()
    {
        await App.CreateWorldAsync();
        var client = await App.SignInAsync(DemoUsers.Rep);
        var dealForm = await client.GetStringAsync("/deals/new");
        dealForm.Should().Contain("href=\"/persons/new?returnUrl=%2Fdeals%2Fnew\"").And.Contain("href=\"/organizations/new?returnUrl=%2Fdeals%2Fnew\"");

        var org = await client.PostFormAsync("/organizations/new?returnUrl=%2Fdeals%2Fnew", new Dictionary<string, string> { ["Name"] = "Initech", ["Address"] = "1 Office Park", ["ReturnUrl"] = "/deals/new" });
        var orgId = await App.WithDbAsync(db => db.Organizations.Where(o => o.Name == "Initech").Select(o => o.Id).SingleAsync());
        org.Headers.Location!.ToString().Should().Be($"/deals/new?organizationId={orgId}");

        var person = await client.PostFormAsync("/persons/new?returnUrl=%2Fdeals%2Fnew", new Dictionary<string, string> { ["Name"] = "Peter Gibbons", ["ReturnUrl"] = $"/deals/new?organizationId={orgId}" });
        var personId = await App.WithDbAsync(db => db.Persons.Where(p => p.Name == "Peter Gibbons").Select(p => p.Id).SingleAsync());
        person.Headers.Location!.ToString().Should().Be($"/deals/new?organizationId={orgId}&personId={personId}");

        var back = await client.GetStringAsync(person.Headers.Location!.ToString());
        back.Should().Contain($"<option value=\"{personId}\" selected=\"selected\">Peter Gibbons</option>")
            .And.Contain($"<option value=\"{orgId}\" selected=\"selected\">Initech</option>");

        var offsite = await client.PostFormAsync("/persons/new", new Dictionary<string, string> { ["Name"] = "Mallory", ["ReturnUrl"] = "https://evil.test/" });
        offsite.Headers.Location!.ToString().Should().StartWith("/persons/");
    }

    [Fact]
    public async Task Creating_an_organization_redirects_to_its_detail_page()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.PostFormAsync("/organizations/new", new Dictionary<string, string> { ["Name"] = "" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var created = await client.PostFormAsync("/organizations/new", new Dictionary<string, string> { ["Name"] = "Umbrella", ["Address"] = "Raccoon City" });

        var org = await App.WithDbAsync(db => db.Organizations.AsNoTracking().SingleAsync());
        created.Headers.Location!.ToString().Should().Be($"/organizations/{org.Id}");
        org.Address.Should().Be("Raccoon City");
        Names(await client.GetStringAsync("/organizations"), "organizations").Should().Equal("Umbrella");
    }

    [Fact]
    public async Task The_contact_lists_issue_as_many_commands_for_a_full_page_as_for_three_rows()
    {
        var counter = new SqlCommandCounter();
        using var host = App.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IInterceptor>(counter)));
        counter.CountOnlyRequestsOf(host.Services);
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        await client.PostFormAsync("/login", new Dictionary<string, string> { ["Input.Email"] = DemoUsers.Rep.Email, ["Input.Password"] = DemoUsers.Password });
        var world = await App.CreateWorldAsync();
        await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));

        async Task<int> CountAsync(string url)
        {
            counter.Reset();
            using var response = await client.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            return counter.Count;
        }

        await CountAsync("/persons"); // the first request of a host loads what it caches
        var fewPersons = await CountAsync("/persons");
        var fewOrganizations = await CountAsync("/organizations");
        await App.WithDbAsync(async db =>
        {
            for (var i = 0; i < 60; i++)
            {
                var organization = new Organization { Name = $"Org {i}" };
                db.Persons.Add(new Person { Name = $"Person {i}", Organization = organization });
            }

            await db.SaveChangesAsync();
        });

        (await CountAsync("/persons")).Should().Be(fewPersons);
        (await CountAsync("/organizations")).Should().Be(fewOrganizations);
        fewPersons.Should().BeLessThanOrEqualTo(6);
    }
}
