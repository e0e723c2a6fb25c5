using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Pipelines;

public partial class BoardCardTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_cards_move_link_opens_a_stage_picker_whose_form_moves_the_deal_and_writes_history()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Card deal");
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.GetStringAsync("/pipeline")).Should().Contain($"href=\"/pipeline/move/{id}\"");
        var picker = await client.GetStringAsync($"/pipeline/move/{id}");
        picker.Should().Contain($"<option value=\"{world.SalesStages[0]}\" selected=\"selected\">Qualified</option>")
            .And.Contain("<optgroup label=\"Partnerships\">").And.Contain(">Contract</option>");
        var action = WebUtility.HtmlDecode(FormAction().Match(picker).Groups[1].Value);
        var response = await client.PostFormAsync(action, new Dictionary<string, string> { ["dealId"] = id.ToString(), ["stageId"] = world.PartnershipStages[1].ToString() }, $"/pipeline/move/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be($"/pipeline?pipelineId={world.SalesId}", "the user returns to the board they came from");
        var deal = (await App.FindDealAsync(id))!;
        deal.PipelineId.Should().Be(world.PartnershipsId);
        deal.StageId.Should().Be(world.PartnershipStages[1]);
        (await App.WithDbAsync(db => db.DealHistory.AnyAsync(h => h.DealId == id && h.Field == "stage_id"))).Should().BeTrue();
    }

    [Fact]
    public async Task A_card_the_user_may_not_edit_offers_no_move_and_its_stage_picker_is_refused()
    {
        var world = await App.CreateWorldAsync();
        var others = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Manager deal");
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == PermissionSet.RegularUserDefaultId && g.Permission == Permission.EditDealsOwnedByOthers).ExecuteDeleteAsync());
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.GetStringAsync("/pipeline")).Should().Contain("Manager deal").And.NotContain($"/pipeline/move/{others}");
        (await client.GetAsync($"/pipeline/move/{others}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/pipeline/move/999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_board_renders_as_many_forms_for_thirty_cards_as_for_one()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.AddDealAsync(world, rep, "First card");
        var client = await App.SignInAsync(DemoUsers.Rep);
        var forOne = FormCount(await client.GetStringAsync("/pipeline"));

        for (var i = 0; i < 29; i++)
        {
            await App.AddDealAsync(world, rep, $"More cards {i}", stageIndex: i % 3);
        }

        var board = await client.GetStringAsync("/pipeline");

        Regex.Count(board, "<li class=\"card\"").Should().Be(30);
        FormCount(board).Should().Be(forOne, "a form per card made the board slow to render; cards share the Move to dialog");
    }

    [Fact]
    public async Task A_card_shows_its_contacts_and_its_earliest_upcoming_activity()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep, "Busy deal");
        await App.AddDealAsync(world, rep, "Quiet deal");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await App.WithDbAsync(db =>
        {
            db.Activities.AddRange(
                Activity(id, rep, "Overdue call", today.AddDays(-3)),
                Activity(id, rep, "Done demo", today.AddDays(1), done: true),
                Activity(id, rep, "Later review", today.AddDays(9)),
                Activity(id, rep, "Send pricing", today.AddDays(2)));
            return db.SaveChangesAsync();
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var board = WebUtility.HtmlDecode(await client.GetStringAsync("/pipeline"));

        board.Should().Contain($"Next: Send pricing ({today.AddDays(2).ToString("d MMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("en"))})")
            .And.Contain("Acme Corp · Pat Buyer")
            .And.Contain("No upcoming activity", "the quiet deal has none");
    }

    private static Activity Activity(int dealId, int ownerId, string subject, DateOnly due, bool done = false) =>
        new() { DealId = dealId, OwnerId = ownerId, Subject = subject, DueDate = due, Done = done, CreatedAt = DateTimeOffset.UtcNow };

    private static int FormCount(string html) => Regex.Count(html, "<form ");

    [GeneratedRegex("<form id=\"stage-picker\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}
