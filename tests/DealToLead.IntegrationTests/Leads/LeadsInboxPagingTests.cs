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
