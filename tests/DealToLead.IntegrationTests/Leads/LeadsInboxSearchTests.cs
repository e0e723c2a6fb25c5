using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>
/// Search as you type over the trigger-maintained search text (ADR 0018): title, person name and emails,
/// organization name; prefix and infix; renames of a person or an organization are found at once.
/// </summary>
public class LeadsInboxSearchTests(DealToLeadApp app) : AppTest(app)
{
    [Theory]
    [InlineData("Fleet", "title prefix")]
    [InlineData("eet track", "title infix")]
    [InlineData("Ingrid", "person prefix")]
    [InlineData("ndqv", "person infix")]
    [InlineData("ingrid.l@", "email")]
    [InlineData("polarwave", "organization, any case")]
    [InlineData("wave Rob", "organization infix")]
    [InlineData("ÄLVSJÖ", "Swedish letters, any case")]
    [InlineData("INGRID.L@POLAR", "email, any case")]
    public async Task The_inbox_finds_a_lead_by_any_searched_column(string term, string because)
    {
        var (wanted, _) = await TwoLeadsAsync();
        var client = await App.SignInAsync(DemoUsers.Rep);

        var found = LeadTestData.RowIds(await client.GetStringAsync($"/leads?q={Uri.EscapeDataString(term)}"));

        found.Should().Equal([wanted], because);
    }

    [Fact]
    public async Task Renaming_a_person_or_an_organization_changes_what_finds_their_leads()
    {
        var (wanted, _) = await TwoLeadsAsync();
        await App.WithDbAsync(async db =>
        {
            var lead = await db.Leads.Include(l => l.Person).Include(l => l.Organization).SingleAsync(l => l.Id == wanted);
            lead.Person!.Name = "Gunhild Svedberg";
            lead.Organization!.Name = "Tundra Mining AB";
            await db.SaveChangesAsync();
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=svedb")).Should().Equal(wanted);
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=tundra")).Should().Equal(wanted);
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=Lindqvist")).Should().BeEmpty("the old name no longer matches");
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=ingrid.l@")).Should().Equal([wanted], "the email did not change");
    }

    [Fact]
    public async Task Wildcards_in_the_term_are_matched_literally()
    {
        await TwoLeadsAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var rebate = await App.WithDbAsync(async db =>
        {
            var lead = await new LeadBuilder(rep).Titled(@"Rebate 50%_plus \ back").For(new Person { Name = "Per Pettersson" }).BuildAsync(db);
            await new DealBuilder(rep).Titled(@"Rebate 50%_plus \ back").BuildAsync(db);
            return lead.Id;
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=%25%25%25")).Should().BeEmpty();
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=___")).Should().BeEmpty();
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=50%25_p")).Should().Equal([rebate], "% and _ are characters of the title");
        LeadTestData.RowIds(await client.GetStringAsync("/leads?q=5__")).Should().BeEmpty("_ is not a wildcard");
        LeadTestData.RowIds(await client.GetStringAsync($"/leads?q={Uri.EscapeDataString(@"\ b")}")).Should().Equal([rebate], "a backslash is a character too");
        (await client.GetStringAsync("/deals?Status=AllNotDeleted&Search=50%25_p")).Should().Contain("Rebate 50%_plus");
        (await client.GetStringAsync("/deals?Status=AllNotDeleted&Search=5__")).Should().NotContain("Rebate 50%_plus");
    }

    [Fact]
    public async Task The_deal_list_finds_deals_by_title_person_or_organization_infix()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            var organization = new Organization { Name = "Harborlight Foods Oy" };
            var astrid = new Person { Name = "Astrid Holm", Organization = organization };
            var hugo = new Person { Name = "Hugo Lund" };
            db.Persons.AddRange(astrid, hugo);
            await db.SaveChangesAsync();
            await new DealBuilder(rep).Titled("Cold storage retrofit").For(astrid.Id, organization.Id).BuildAsync(db);
            await new DealBuilder(rep).Titled("Payroll module").For(hugo.Id, null).BuildAsync(db);
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        foreach (var term in new[] { "retrofit", "storage ret", "trid Ho", "rborlig" })
        {
            var html = await client.GetStringAsync($"/deals?Search={Uri.EscapeDataString(term)}");
            html.Should().Contain("Cold storage retrofit", term).And.NotContain("Payroll module", term);
        }
    }

    /// <summary>The lead a test looks for, and one that shares nothing searchable with it.</summary>
    [Theory]
    [InlineData("'; DELETE FROM leads; --")]
    [InlineData("''")]
    [InlineData("\\'")]
    [InlineData("E'\\x00")]
    [InlineData("$$ || $$")]
    public async Task A_hostile_term_is_searched_for_as_text_and_changes_nothing(string term)
    {
        // The pattern is written into the SQL as a literal (docs/decisions/0023): quoting must hold.
        await TwoLeadsAsync();
        var client = await App.SignInAsync(DemoUsers.Rep);
        var tooLong = term + new string('x', 5_000);

        foreach (var q in new[] { term, tooLong })
        {
            LeadTestData.RowIds(await client.GetStringAsync($"/leads?q={Uri.EscapeDataString(q)}")).Should().BeEmpty(q);
            (await client.GetAsync($"/deals?Search={Uri.EscapeDataString(q)}")).StatusCode.Should().Be(System.Net.HttpStatusCode.OK, q);
        }

        (await App.WithDbAsync(db => db.Leads.CountAsync())).Should().Be(2);
    }

    [Fact]
    public async Task A_deal_list_search_with_more_matches_than_it_collects_pages_past_them_and_counts_them_on_the_last_page()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var matching = DealToLead.Web.Pages.Deals.IndexModel.SearchMatchLimit + 60;
        var expected = await App.WithDbAsync(async db =>
        {
            var first = await new DealBuilder(rep).Titled("Overflowmatch 0").BuildAsync(db);
            db.Deals.AddRange(Enumerable.Range(1, matching - 1).Select(i => new Deal
            {
                Title = $"Overflowmatch {i}",
                ValueAmount = 1_000m + i,
                ValueCurrency = "EUR",
                OwnerId = rep,
                PipelineId = first.PipelineId,
                StageId = first.StageId,
                PersonId = first.PersonId,
                OrganizationId = first.OrganizationId,
                Visibility = Visibility.EntireCompany,
                Status = DealStatus.Open,
                CreatedAt = first.CreatedAt.AddSeconds(-i),
            }));
            await db.SaveChangesAsync();
            return await db.Deals.Where(d => d.Title.StartsWith("Overflowmatch")).OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id)
                .Select(d => d.Id).ToListAsync();
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        foreach (var (page, count) in new[] { (1, "2,000+ deals"), (40, "2,000+ deals"), (41, "2,050+ deals"), (42, "2,060 deals") })
        {
            var html = await client.GetStringAsync($"/deals?Search=overflowmatch&page={page}");
            System.Net.WebUtility.HtmlDecode(html).Should().Contain(count, "the count stops at the collected matches and is exact on the last page");
            DealRowIds(html).Should().Equal(expected.Skip((page - 1) * 50).Take(50), "page {0} within and past the collected matches", page);
        }
    }

    private static List<int> DealRowIds(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "name=\"ids\" value=\"(\\d+)\"").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private async Task<(Guid Wanted, Guid Other)> TwoLeadsAsync()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        return await App.WithDbAsync(async db =>
        {
            var polar = new Organization { Name = "Polarwave Robotics AB" };
            var wanted = await new LeadBuilder(rep).Titled("Fleet tracking Älvsjö Q3")
                .For(new Person { Name = "Ingrid Lindqvist", Emails = ["ingrid.l@polarwave.se"], Organization = polar }).BuildAsync(db);
            wanted.Organization = polar;
            var other = await new LeadBuilder(rep).Titled("Office chairs")
                .For(new Person { Name = "Bo Berg", Emails = ["bo@berg.example"] }).BuildAsync(db);
            await db.SaveChangesAsync();
            return (wanted.Id, other.Id);
        });
    }
}
