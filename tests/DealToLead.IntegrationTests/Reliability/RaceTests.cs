using System.Collections.Concurrent;
using System.Net;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Reliability;

public class RaceTests(DealToLeadApp app, ITestOutputHelper output) : AppTest(app)
{
    private const int Deals = 200;
    private const int ClientsPerDeal = 5;
    private const int ConcurrentRequests = 40;

    [Fact]
    public async Task Two_hundred_deals_each_converted_by_five_clients_at_once_make_exactly_two_hundred_leads()
    {
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var dealIds = new List<int>();
        for (var i = 0; i < Deals; i++)
        {
            var builder = new DealBuilder(repId).Titled($"Race deal {i}").WithWorld(upcoming: 2, done: 1, notes: 2, emails: 1, invoices: 0, history: 0);
            dealIds.Add((await App.WithDbAsync(builder.BuildAsync)).Id);
        }

        var api = App.ApiClient(DemoUsers.Rep);
        var browser = await App.SignInAsync(DemoUsers.Rep);
        var token = await AntiforgeryTokenAsync(browser);
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var gate = new SemaphoreSlim(ConcurrentRequests);

        // Each deal gets five attempts: three over the API, two through the confirm form, all in flight together.
        var attempts = dealIds.SelectMany(id => Enumerable.Range(0, ClientsPerDeal).Select(client => (id, client))).OrderBy(_ => Random.Shared.Next());
        await Task.WhenAll(attempts.Select(async attempt =>
        {
            await gate.WaitAsync();
            try
            {
                var response = attempt.client < 3
                    ? await api.PostAsync($"/api/v2/deals/{attempt.id}/convert/lead", null)
                    : await browser.PostAsync($"/deals/{attempt.id}/convert", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
                statuses.Add(response.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        }));

        var counts = await App.WithDbAsync(async db => new
        {
            Leads = await db.Leads.CountAsync(l => dealIds.Contains(l.OriginDealId!.Value)),
            DistinctOrigins = await db.Leads.Where(l => dealIds.Contains(l.OriginDealId!.Value)).Select(l => l.OriginDealId).Distinct().CountAsync(),
            ActivitiesOnLeads = await db.Activities.CountAsync(a => a.LeadId != null),
            NotesOnLeads = await db.Notes.CountAsync(n => n.LeadId != null),
            EmailsOnLeads = await db.Emails.CountAsync(e => e.LeadId != null),
            LiveDeals = await db.Deals.CountAsync(d => dealIds.Contains(d.Id)),
        });
        output.WriteLine($"races: requests tried {statuses.Count}, leads {counts.Leads}, items checked {counts.ActivitiesOnLeads + counts.NotesOnLeads + counts.EmailsOnLeads}, 5xx {statuses.Count(s => (int)s >= 500)}");

        statuses.Should().HaveCount(Deals * ClientsPerDeal);
        statuses.Should().NotContain(s => (int)s >= 500);
        counts.Should().BeEquivalentTo(new { Leads = Deals, DistinctOrigins = Deals, ActivitiesOnLeads = 2 * Deals, NotesOnLeads = 2 * Deals, EmailsOnLeads = Deals, LiveDeals = 0 });
        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();
    }

    [Fact]
    public async Task Converting_and_restoring_the_same_deal_interleaved_leaves_the_database_consistent()
    {
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var deal = await App.WithDbAsync(new DealBuilder(repId).WithWorld(upcoming: 3, done: 2, notes: 3, emails: 3).BuildAsync);
        var rep = App.ApiClient(DemoUsers.Rep);
        var manager = App.ApiClient(DemoUsers.Manager);
        var statuses = new ConcurrentBag<HttpStatusCode>();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var client = i % 2 == 0 ? rep : manager;
            var response = i % 4 < 2
                ? await client.PostAsync($"/api/v2/deals/{deal.Id}/convert/lead", null)
                : await client.PostAsync($"/api/v2/deals/{deal.Id}/restore", null);
            statuses.Add(response.StatusCode);
        }));

        statuses.Should().NotContain(s => (int)s >= 500);
        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();
        var leads = await App.WithDbAsync(db => db.Leads.Where(l => l.OriginDealId == deal.Id).Select(l => l.Id).ToListAsync());
        leads.Should().NotBeEmpty();
        var itemsOnLeads = await App.WithDbAsync(db => db.Activities.CountAsync(a => a.LeadId != null));
        itemsOnLeads.Should().Be(3, "upcoming activities moved once, to one lead, and never duplicated");
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/settings/profile");
        var match = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
