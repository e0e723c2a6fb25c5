using System.Net;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;

namespace DealToLead.IntegrationTests.Foundation;

/// <summary>
/// Issue #20: the words that were still English on Swedish pages (invoice statuses, custom field types, the
/// permission sets and permissions, the domain's messages that carry values, the deal form's "Check the values").
/// </summary>
public class SwedishPagesTests(DealToLeadApp app) : AppTest(app)
{
    private async Task<HttpClient> SwedishAdminAsync()
    {
        var client = await App.SignInAsync(DemoUsers.Admin);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("sv-SE");
        return client;
    }

    private static async Task<string> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return WebUtility.HtmlDecode(await client.GetStringAsync(response.Headers.Location));
    }

    [Fact]
    public async Task Invoice_statuses_and_custom_field_types_are_in_Swedish()
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var deal = await App.WithDbAsync(new DealBuilder(admin).WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0, invoices: 1, history: 0).BuildAsync);
        var client = await SwedishAdminAsync();

        var dealPage = WebUtility.HtmlDecode(await client.GetStringAsync($"/deals/{deal.Id}"));
        dealPage.Should().Contain("<td>Utkast</td>").And.NotContain("<td>Draft</td>");

        var fields = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/custom-fields"));
        fields.Should().Contain(">Numerisk</option>").And.Contain(">Flera alternativ</option>").And.Contain(">Formel</option>");
        fields.Should().NotContain(">MultipleOptions<").And.NotContain(">PersonReference<");
    }

    [Fact]
    public async Task Permission_sets_permissions_and_the_users_pickers_are_in_Swedish()
    {
        var client = await SwedishAdminAsync();

        var set = WebUtility.HtmlDecode(await client.GetStringAsync($"/settings/permission-sets/{PermissionSet.RegularUserDefaultId}"));
        set.Should().Contain("<h1>Vanlig användare (standard)</h1>");
        set.Should().Contain("Konvertera affärer till leads").And.Contain("Radera affärer (de kan återställas i 30 dagar).");
        set.Should().NotContain("Convert deals to leads").And.NotContain("Manage custom fields");

        var sets = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/permission-sets"));
        sets.Should().Contain("Ges till varje ny vanlig användare.").And.Contain("(inbyggd)").And.NotContain("(built-in)");

        var newUser = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/users/new"));
        newUser.Should().Contain(">Vanlig användare (standard)</option>").And.Contain(">Chef</option>");
        newUser.Should().NotContain(">Regular user (default)</option>");
        var users = WebUtility.HtmlDecode(await client.GetStringAsync("/settings/users"));
        users.Should().Contain(">Chef</a>");
    }

    [Fact]
    public async Task Domain_messages_with_values_in_them_are_said_in_Swedish()
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var lead = await App.WithDbAsync(db => new LeadBuilder(admin).Titled("Parked").BuildAsync(db));
        var deal = await App.WithDbAsync(new DealBuilder(admin).Titled("Holds its stage").BuildAsync);
        var stageName = await App.WithDbAsync(db => Task.FromResult(db.Stages.Single(s => s.Id == deal.StageId).Name));
        var client = await SwedishAdminAsync();

        var tooLong = await client.PostFormAsync($"/leads/{lead.Id}?handler=Details", new Dictionary<string, string> { ["title"] = new string('x', 300) }, formPage: $"/leads/{lead.Id}");
        (await FollowAsync(client, tooLong)).Should().Contain("Titeln måste ha 1 till 255 tecken.");

        var holds = await client.PostFormAsync($"/settings/pipelines?handler=DeleteStage&stageId={deal.StageId}", new Dictionary<string, string>(), formPage: "/settings/pipelines");
        (await FollowAsync(client, holds)).Should().Contain($"Steget ”{stageName}” har fortfarande 1 affär (öppen, vunnen, förlorad eller raderad och återställbar): flytta den till ett annat steg först.");
    }

    [Fact]
    public async Task The_deal_form_says_Check_the_values_in_Swedish()
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var deal = await App.WithDbAsync(new DealBuilder(admin).Titled("Form deal").BuildAsync);
        var client = await SwedishAdminAsync();

        var response = await client.PostFormAsync($"/deals/{deal.Id}/edit", new Dictionary<string, string>
        {
            ["Input.Title"] = "Form deal",
            ["Input.Probability"] = "many",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        page.Should().Contain("Kontrollera värdena: ").And.NotContain("Check the values");
    }

    [Fact]
    public async Task In_English_the_same_messages_stay_as_the_domain_wrote_them()
    {
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var lead = await App.WithDbAsync(db => new LeadBuilder(admin).Titled("Parked").BuildAsync(db));
        var client = await App.SignInAsync(DemoUsers.Admin);

        var tooLong = await client.PostFormAsync($"/leads/{lead.Id}?handler=Details", new Dictionary<string, string> { ["title"] = new string('x', 300) }, formPage: $"/leads/{lead.Id}");
        (await FollowAsync(client, tooLong)).Should().Contain("The title must be 1 to 255 characters.");
    }
}
