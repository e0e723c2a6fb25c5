using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using InboxPage = DealToLead.Web.Pages.Leads.IndexModel;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>The inbox pages ids first and counts only up to a limit; these pin down which rows each page shows.</summary>
public class LeadsInboxPagingTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_deep_page_past_the_count_limit_shows_the_right_rows_in_order()
    {
        var total = InboxPage.CountLimit + 130;
        await AddNumberedLeadsAsync(total, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var page = (InboxPage.CountLimit / InboxPage.PageSize) + 2;

        var html = await client.GetStringAsync($"/leads?source=Deal&sort=Created&p={page}");

        var offset = (page - 1) * InboxPage.PageSize;
        (await TitlesAsync(LeadTestData.RowIds(html))).Should().Equal(Enumerable.Range(offset + 1, InboxPage.PageSize).Select(n => $"Many {n}"));
        System.Net.WebUtility.HtmlDecode(html).Should().Contain($"{offset + InboxPage.PageSize:N0}+ leads").And.Contain($"Page {page} of {page}+").And.Contain("rel=\"next\"");
    }

    [Fact]
    public async Task The_last_page_past_the_count_limit_counts_exactly()
    {
        var total = InboxPage.CountLimit + 130;
        await AddNumberedLeadsAsync(total, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var lastPage = (total + InboxPage.PageSize - 1) / InboxPage.PageSize;

        var html = await client.GetStringAsync($"/leads?source=Deal&sort=Created&dir=asc&p={lastPage}");

        (await TitlesAsync(LeadTestData.RowIds(html))).Should().Equal(Enumerable.Range(1, 30).Reverse().Select(n => $"Many {n}"), "ascending, the last page holds the newest leads");
        html.Should().Contain($"{total:N0} leads").And.Contain($"Page {lastPage} of {lastPage}<").And.NotContain("rel=\"next\"");
    }

    [Fact]
    public async Task A_page_past_the_end_shows_the_last_page()
    {
        await AddNumberedLeadsAsync(60, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var html = await client.GetStringAsync("/leads?source=Deal&p=9");

        (await TitlesAsync(LeadTestData.RowIds(html))).Should().Equal(Enumerable.Range(51, 10).Select(n => $"Many {n}"));
        html.Should().Contain("60 leads").And.Contain("Page 2 of 2<").And.Contain("rel=\"prev\"");
    }

    [Fact]
    public async Task Paging_and_counting_keep_to_the_leads_a_user_may_see()
    {
        await LeadTestData.MakeUnableToSeeOthersAsync(App, DemoUsers.Rep);
        await AddNumberedLeadsAsync(80, DemoUsers.Manager, Visibility.OwnerOnly);
        await AddNumberedLeadsAsync(70, DemoUsers.Manager, Visibility.EntireCompany, firstNumber: 1000);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var second = await client.GetStringAsync("/leads?source=Deal&p=2");

        (await TitlesAsync(LeadTestData.RowIds(second))).Should().Equal(Enumerable.Range(1050, 20).Select(n => $"Many {n}"));
        second.Should().Contain("70 leads");
    }

    [Fact]
    public async Task Next_and_previous_seek_from_the_edge_of_the_page_and_walk_every_lead_once()
    {
        var total = InboxPage.CountLimit + 130;
        await AddNumberedLeadsAsync(total, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var walked = new List<string>();
        var url = "/leads?source=Deal&sort=Created";
        var html = "";
        var secondPage = "";
        var pages = 0;
        while (url is not null)
        {
            html = await client.GetStringAsync(url);
            walked.AddRange(await TitlesAsync(LeadTestData.RowIds(html)));
            pages++;
            secondPage = pages == 2 ? html : secondPage;
            url = Link(html, "next");
            url?.Should().Contain("after=", "Next seeks from the last lead shown");
        }

        walked.Should().Equal(Enumerable.Range(1, total).Select(n => $"Many {n}"));
        pages.Should().Be((total + InboxPage.PageSize - 1) / InboxPage.PageSize);
        var previous = Link(html, "prev")!;
        previous.Should().Contain("before=");
        var pageBefore = await client.GetStringAsync(previous);
        (await TitlesAsync(LeadTestData.RowIds(pageBefore))).Should().Equal(Enumerable.Range(((pages - 2) * InboxPage.PageSize) + 1, InboxPage.PageSize).Select(n => $"Many {n}"));
        pageBefore.Should().Contain($"Page {pages - 1} of").And.Contain("rel=\"next\"");
        Link(secondPage, "prev").Should().Be("/leads?source=Deal&sort=Created", "the first page needs neither a number nor a position");
        System.Net.WebUtility.HtmlDecode(secondPage).Should().Contain($"{InboxPage.CountLimit:N0}+ leads", "within the counted pages, Next shows the count a typed page number shows");
    }

    [Fact]
    public async Task A_search_counts_only_the_matches_it_has_shown_and_next_seeks_through_every_match_once()
    {
        await AddNumberedLeadsAsync(130, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var walked = new List<string>();
        var pages = new List<string>();
        for (var url = "/leads?q=many"; url is not null; url = Link(pages[^1], "next"))
        {
            pages.Add(System.Net.WebUtility.HtmlDecode(await client.GetStringAsync(url)));
            walked.AddRange(await TitlesAsync(LeadTestData.RowIds(pages[^1])));
        }

        walked.Should().Equal(Enumerable.Range(1, 130).Select(n => $"Many {n}"));
        pages.Should().HaveCount(3);
        pages[0].Should().Contain("50+ leads", "counting every match of a common term would read all of them").And.Contain("Page 1 of 1+");
        Link(pages[0], "next").Should().Contain("q=many").And.Contain("after=", "Next seeks from the last match shown");
        pages[2].Should().Contain("130 leads", "the last page has seen every match").And.Contain("Page 3 of 3<");
        var few = await client.GetStringAsync("/leads?q=many%2012");
        LeadTestData.RowIds(few).Should().HaveCount(11);
        few.Should().Contain("11 leads", "a search that fits on its page is counted exactly");
    }

    [Fact]
    public async Task A_page_opened_by_next_keeps_its_place_when_new_leads_arrive_at_the_top()
    {
        await AddNumberedLeadsAsync(120, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var next = Link(await client.GetStringAsync("/leads?source=Deal&sort=Created"), "next")!;

        await AddNumberedLeadsAsync(3, DemoUsers.Rep, Visibility.EntireCompany, firstNumber: -3);
        var second = await client.GetStringAsync(next);

        (await TitlesAsync(LeadTestData.RowIds(second))).Should().Equal(Enumerable.Range(51, 50).Select(n => $"Many {n}"),
            "the page goes on from the last lead the rep saw; counting 50 from the top would show three of them again");
    }

    [Theory]
    [InlineData("not-a-position")]
    [InlineData("99999999999999999999.00000000000000000000000000000000")]
    [InlineData("638700000000000000.zz")]
    [InlineData("1.2.3")]
    public async Task A_position_the_inbox_did_not_write_leaves_the_page_number_to_decide(string position)
    {
        await AddNumberedLeadsAsync(120, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);

        using var after = await client.GetAsync($"/leads?source=Deal&sort=Created&p=2&after={Uri.EscapeDataString(position)}");
        using var before = await client.GetAsync($"/leads?source=Deal&sort=Created&p=2&before={Uri.EscapeDataString(position)}");

        foreach (var response in new[] { after, before })
        {
            response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
            (await TitlesAsync(LeadTestData.RowIds(await response.Content.ReadAsStringAsync()))).Should().Equal(Enumerable.Range(51, 50).Select(n => $"Many {n}"));
        }
    }

    [Fact]
    public async Task Other_sorts_page_by_number_alone()
    {
        await AddNumberedLeadsAsync(120, DemoUsers.Rep, Visibility.EntireCompany);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var next = Link(await client.GetStringAsync("/leads?source=Deal&sort=Title&dir=asc"), "next")!;

        next.Should().Contain("p=2").And.NotContain("after=");
    }

    private static string? Link(string html, string rel)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, $"href=\"([^\"]*)\" rel=\"{rel}\"");
        return match.Success ? System.Net.WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>Leads "Many n" from source Deal, created n seconds ago, so that newest first is n ascending.</summary>
    private async Task AddNumberedLeadsAsync(int count, DemoUser owner, Visibility visibility, int firstNumber = 1)
    {
        var ownerId = await App.UserIdAsync(owner);
        var visibilityName = visibility.ToString();
        await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Paging Person" };
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO leads (id, title, owner_id, creator_id, person_id, source, visibility, custom_fields, label_ids, created_at, updated_at, created_by_id, was_seen, is_archived)
                SELECT gen_random_uuid(), 'Many ' || n, {ownerId}, {ownerId}, {person.Id}, 'Deal', {visibilityName}, jsonb_build_object(), ARRAY[]::uuid[], now() - n * interval '1 second', now(), {ownerId}, false, false
                FROM generate_series({firstNumber}, {firstNumber + count - 1}) AS n
                """);
        });
    }

    private Task<List<string>> TitlesAsync(List<Guid> ids) => App.WithDbAsync(async db =>
    {
        var titles = await db.Leads.Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Title);
        return ids.Select(id => titles[id]).ToList();
    });
}
