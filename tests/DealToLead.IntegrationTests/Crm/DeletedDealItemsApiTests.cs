using System.Net;
using System.Text.Json;
using DealToLead.Core.Conversions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Conversions;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>Issue 18, item 6: what stays on a converted (soft-deleted) deal stays readable through the API to whoever may see the deal.</summary>
public class DeletedDealItemsApiTests(DealToLeadApp app) : ConversionTestBase(app)
{
    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task A_converted_deals_done_activities_stay_readable_and_say_their_deal_is_deleted()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 1, done: 2, notes: 0, emails: 0, invoices: 0, history: 0));
        (await ConvertAsync(DemoUsers.Rep, deal.Id))!.Status.Should().Be(ConversionStatus.Completed);
        var doneId = await App.WithDbAsync(db => db.Activities.Where(a => a.DealId == deal.Id && a.Done).Select(a => a.Id).FirstAsync());
        var api = App.ApiClient(DemoUsers.Rep);

        var one = await api.GetAsync($"/api/v2/activities/{doneId}");
        var listed = await api.GetAsync($"/api/v2/activities?deal_id={deal.Id}");

        one.StatusCode.Should().Be(HttpStatusCode.OK);
        var activity = (await BodyAsync(one)).GetProperty("data");
        activity.GetProperty("deal_id").GetInt32().Should().Be(deal.Id);
        activity.GetProperty("deal_is_deleted").GetBoolean().Should().BeTrue();
        var rows = (await BodyAsync(listed)).GetProperty("data").EnumerateArray().ToList();
        rows.Should().HaveCount(2).And.OnlyContain(a => a.GetProperty("done").GetBoolean() && a.GetProperty("deal_is_deleted").GetBoolean());
    }

    [Fact]
    public async Task A_converted_deals_items_are_404_to_a_user_who_may_not_see_the_deal()
    {
        await App.WithoutSeeingOthersDealsAsync();
        var deal = await CreateDealAsync(DemoUsers.Admin, b => b.Private().WithWorld(upcoming: 0, done: 1, notes: 0, emails: 0, invoices: 0, history: 0));
        (await ConvertAsync(DemoUsers.Admin, deal.Id))!.Status.Should().Be(ConversionStatus.Completed);
        var doneId = await App.WithDbAsync(db => db.Activities.Where(a => a.DealId == deal.Id).Select(a => a.Id).FirstAsync());
        var rep = App.ApiClient(DemoUsers.Rep);

        (await rep.GetAsync($"/api/v2/activities/{doneId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await BodyAsync(await rep.GetAsync($"/api/v2/activities?deal_id={deal.Id}"))).GetProperty("data").GetArrayLength().Should().Be(0);
        (await App.ApiClient(DemoUsers.Admin).GetAsync($"/api/v2/activities/{doneId}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unfiltered_lists_leave_out_a_deleted_deals_items_and_the_deal_or_ids_bring_them_back()
    {
        var live = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 1, done: 0, notes: 1, emails: 0, invoices: 0, history: 0));
        var deleted = await CreateDealAsync(DemoUsers.Rep, b => b.Titled("Deleted").WithWorld(upcoming: 0, done: 1, notes: 1, emails: 0, invoices: 0, history: 0));
        var api = App.ApiClient(DemoUsers.Rep);
        (await api.DeleteAsync($"/api/v2/deals/{deleted.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        var deletedActivity = await App.WithDbAsync(db => db.Activities.Where(a => a.DealId == deleted.Id).Select(a => a.Id).FirstAsync());

        var all = (await BodyAsync(await api.GetAsync("/api/v2/activities"))).GetProperty("data").EnumerateArray().ToList();
        var byIds = (await BodyAsync(await api.GetAsync($"/api/v2/activities?ids={deletedActivity}"))).GetProperty("data").EnumerateArray().ToList();
        var notes = (await BodyAsync(await api.GetAsync("/api/v1/notes"))).GetProperty("data").EnumerateArray().ToList();
        var deletedNotes = (await BodyAsync(await api.GetAsync($"/api/v1/notes?deal_id={deleted.Id}"))).GetProperty("data").EnumerateArray().ToList();

        all.Should().ContainSingle().Which.GetProperty("deal_id").GetInt32().Should().Be(live.Id);
        all[0].GetProperty("deal_is_deleted").GetBoolean().Should().BeFalse();
        byIds.Should().ContainSingle().Which.GetProperty("deal_is_deleted").GetBoolean().Should().BeTrue();
        notes.Should().ContainSingle().Which.GetProperty("deal_id").GetInt32().Should().Be(live.Id);
        deletedNotes.Should().ContainSingle().Which.GetProperty("deal_is_deleted").GetBoolean().Should().BeTrue();
    }
}
