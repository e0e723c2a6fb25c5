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
}
