using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Conversions;

public class ConversionEntryPointTests(DealToLeadApp app) : ConversionTestBase(app)
{
    [Fact]
    public async Task The_api_converts_and_the_status_endpoint_reports_the_lead()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);

        var started = await api.PostAsync($"/api/v2/deals/{deal.Id}/convert/lead", null);

        started.StatusCode.Should().Be(HttpStatusCode.OK);
        var conversionId = (await Json(started)).GetProperty("data").GetProperty("conversion_id").GetGuid();
        var status = await Json(await api.GetAsync($"/api/v2/deals/{deal.Id}/convert/status/{conversionId}"));
        var data = status.GetProperty("data");
        data.GetProperty("status").GetString().Should().Be("completed");
        data.GetProperty("deal_id").GetInt32().Should().Be(deal.Id);
        var leadId = data.GetProperty("lead_id").GetGuid();
        (await App.WithDbAsync(db => db.Leads.AnyAsync(l => l.Id == leadId && l.OriginDealId == deal.Id))).Should().BeTrue();
    }

    [Fact]
    public async Task The_api_refuses_without_permission_with_403_json_and_changes_nothing()
    {
        var deal = await CreateDealAsync(DemoUsers.Restricted);

        var response = await App.ApiClient(DemoUsers.Restricted).PostAsync($"/api/v2/deals/{deal.Id}/convert/lead", null);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Json(response)).GetProperty("success").GetBoolean().Should().BeFalse();
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == deal.Id))).Should().BeTrue();
    }

    [Fact]
    public async Task The_api_answers_404_for_unknown_ids_and_409_for_won_deals()
    {
        var won = await CreateDealAsync(DemoUsers.Rep, b => b.WithStatus(Core.Crm.DealStatus.Won));
        var api = App.ApiClient(DemoUsers.Rep);

        (await api.PostAsync("/api/v2/deals/999999/convert/lead", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.GetAsync($"/api/v2/deals/{won.Id}/convert/status/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var conflict = await api.PostAsync($"/api/v2/deals/{won.Id}/convert/lead", null);
        conflict.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await Json(conflict)).GetProperty("error").GetString().Should().Contain("Won deals");
    }

    [Fact]
    public async Task The_api_converts_a_lead_back_to_a_deal_in_the_chosen_stage()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var lead = await ConvertAsync(DemoUsers.Rep, deal.Id);
        var stage = await App.WithDbAsync(db => db.Stages.OrderByDescending(s => s.Id).FirstAsync());
        var api = App.ApiClient(DemoUsers.Rep);

        var started = await api.PostAsJsonAsync($"/api/v2/leads/{lead!.LeadId}/convert/deal", new { stage_id = stage.Id });

        started.StatusCode.Should().Be(HttpStatusCode.OK);
        var conversionId = (await Json(started)).GetProperty("data").GetProperty("conversion_id").GetGuid();
        var data = (await Json(await api.GetAsync($"/api/v2/leads/{lead.LeadId}/convert/status/{conversionId}"))).GetProperty("data");
        data.GetProperty("status").GetString().Should().Be("completed");
        var dealId = data.GetProperty("deal_id").GetInt32();
        (await App.WithDbAsync(db => db.Deals.SingleAsync(d => d.Id == dealId))).StageId.Should().Be(stage.Id);
        (await api.PostAsJsonAsync($"/api/v2/leads/{Guid.NewGuid()}/convert/deal", new { })).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_confirm_page_previews_what_moves_and_stays_and_names_formula_fields()
    {
        await App.WithDbAsync(DealBuilder.AddWeightedValueFormulaAsync);
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 3, done: 5, notes: 4, emails: 6, invoices: 2));
        var client = await App.SignInAsync(DemoUsers.Rep);

        var page = await client.GetStringAsync($"/deals/{deal.Id}/convert");

        page.Should().Contain("3 upcoming activities, 4 notes, 6 emails")
            .And.Contain("5 done activities, 2 invoices and the deal history")
            .And.Contain("Weighted value");
    }

    [Fact]
    public async Task Confirming_on_the_page_converts_and_lands_on_the_new_lead()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync($"/deals/{deal.Id}/convert", new Dictionary<string, string>());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var lead = await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.OriginDealId == deal.Id));
        response.Headers.Location!.ToString().Should().Be($"/leads/{lead.Id}");
    }

    [Fact]
    public async Task The_board_path_returns_to_the_pipeline()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync($"/deals/{deal.Id}/convert", new Dictionary<string, string> { ["ReturnUrl"] = "/pipeline" });

        response.Headers.Location!.ToString().Should().Be("/pipeline");
        (await App.WithDbAsync(db => db.Leads.CountAsync(l => l.OriginDealId == deal.Id))).Should().Be(1);
    }

    [Fact]
    public async Task The_confirm_page_is_forbidden_without_the_permission()
    {
        var deal = await CreateDealAsync(DemoUsers.Restricted);
        var client = await App.SignInAsync(DemoUsers.Restricted);

        (await client.GetAsync($"/deals/{deal.Id}/convert")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var post = await client.PostFormAsync($"/deals/{deal.Id}/convert", new Dictionary<string, string>(), formPage: "/pipeline");
        post.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == deal.Id))).Should().BeTrue();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
