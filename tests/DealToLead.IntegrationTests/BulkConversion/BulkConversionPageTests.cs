using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.BulkConversion;

public class BulkConversionPageTests(BulkConversionApp app) : BulkConversionTest(app)
{
    private const string ConfirmPage = "/deals/bulk-convert";

    [Fact]
    public async Task The_confirm_page_shows_the_count_the_rejections_with_reasons_and_that_an_email_follows()
    {
        var data = await DataAsync();
        var open = await data.DealsAsync(3, DemoUsers.Rep, titlePrefix: "Open");
        var won = await data.DealsAsync(1, DemoUsers.Rep, d => d.Status = Core.Crm.DealStatus.Won, "Won");
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync(ConfirmPage, Ids(open.Concat(won)), formPage: "/settings");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        html.Should().Contain("4 deals selected.").And.Contain("3 will be converted to leads").And.Contain("1 will not be converted").And.Contain("Won deals cannot be converted").And.Contain("Won 1")
            .And.Contain("You will get an email when it is done.");
        (await App.WithDbAsync(db => db.BulkConversionJobs.CountAsync())).Should().Be(0, "showing the confirmation saves nothing");
    }

    [Fact]
    public async Task Over_the_limit_the_confirm_page_shows_the_refusal_instead_of_a_confirm_button()
    {
        var data = await DataAsync();
        await data.DealsAsync(4, DemoUsers.Rep);
        await data.SetLimitAsync(3);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"{ConfirmPage}?Status=Open"));

        html.Should().Contain("4 deals matched, but at most 3 deals").And.NotContain(">Confirm<");
    }

    [Fact]
    public async Task Confirming_saves_a_job_whose_page_shows_progress_then_links_to_each_lead()
    {
        var data = await DataAsync();
        var ids = await data.DealsAsync(3, DemoUsers.Rep);
        var client = await App.SignInAsync(DemoUsers.Rep);

        var confirm = await client.PostFormAsync($"{ConfirmPage}?handler=Confirm", new Dictionary<string, string>(Ids(ids)) { ["mode"] = "ids" }, formPage: "/settings");

        confirm.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var jobUrl = confirm.Headers.Location!.OriginalString;
        jobUrl.Should().StartWith("/conversions/");
        var running = await client.GetStringAsync(jobUrl);
        running.Should().Contain("0 / 3 done").And.Contain("http-equiv=\"refresh\"");

        await ProcessAllJobsAsync();
        var done = await client.GetStringAsync(jobUrl);
        var job = await JobAsync(Guid.Parse(jobUrl["/conversions/".Length..]));
        done.Should().Contain("3 converted").And.NotContain("http-equiv=\"refresh\"");
        foreach (var item in job.Items)
        {
            done.Should().Contain($"href=\"/leads/{item.LeadId}\"");
        }
    }

    [Fact]
    public async Task Filter_results_are_confirmed_from_the_query_string()
    {
        var data = await DataAsync();
        var inSecondStage = await data.DealsAsync(2, DemoUsers.Rep, d => d.StageId = data.SecondStageId);
        await data.DealsAsync(3, DemoUsers.Rep);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var query = $"?StageId={data.SecondStageId}";

        var html = await client.GetStringAsync(ConfirmPage + query);
        html.Should().Contain("2 deals");
        var confirm = await client.PostFormAsync($"{ConfirmPage}?handler=Confirm&StageId={data.SecondStageId}", new Dictionary<string, string> { ["mode"] = "filter" }, formPage: "/settings");

        confirm.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var job = await JobAsync(Guid.Parse(confirm.Headers.Location!.OriginalString["/conversions/".Length..]));
        job.Items.Select(i => i.DealId).Should().Equal(inSecondStage);
    }

    [Fact]
    public async Task A_job_page_is_404_for_other_users_and_visible_to_admins()
    {
        var data = await DataAsync();
        var ids = await data.DealsAsync(1, DemoUsers.Rep);
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var confirm = await rep.PostFormAsync($"{ConfirmPage}?handler=Confirm", Ids(ids), formPage: "/settings");
        var jobUrl = confirm.Headers.Location!.OriginalString;

        (await (await App.SignInAsync(DemoUsers.Manager)).GetAsync(jobUrl)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await (await App.SignInAsync(DemoUsers.Admin)).GetAsync(jobUrl)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Users_without_the_permission_get_403_and_no_job()
    {
        var data = await DataAsync();
        var ids = await data.DealsAsync(1, DemoUsers.Restricted);
        var client = await App.SignInAsync(DemoUsers.Restricted);

        (await client.GetAsync(ConfirmPage)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostFormAsync($"{ConfirmPage}?handler=Confirm", Ids(ids), formPage: "/settings")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.WithDbAsync(db => db.BulkConversionJobs.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task An_admin_raises_the_bulk_limit_within_1_to_10000_and_a_rep_may_not()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        (await admin.PostFormAsync("/settings/conversion", new Dictionary<string, string> { ["BulkConversionLimit"] = "250" })).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await admin.PostFormAsync("/settings/conversion", new Dictionary<string, string> { ["BulkConversionLimit"] = "10001" })).StatusCode.Should().Be(HttpStatusCode.OK, "the form is shown again with the error");
        (await App.WithDbAsync(db => db.CompanySettings.SingleAsync())).BulkConversionLimit.Should().Be(250);

        var rep = await App.SignInAsync(DemoUsers.Rep);
        (await rep.GetAsync("/settings/conversion")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    private static Dictionary<string, string> Ids(IEnumerable<int> ids) =>
        ids.Select((id, index) => (id, index)).ToDictionary(x => $"ids[{x.index}]", x => x.id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
