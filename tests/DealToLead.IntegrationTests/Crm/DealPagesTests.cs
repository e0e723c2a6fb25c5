using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

public partial class DealPagesTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task The_detail_page_shows_formula_fields_computed_from_the_deal()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), value: 1200m, probability: 25,
            customFields: new() { [CrmWorld.SeatsKey] = "40" });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var page = await client.GetStringAsync($"/deals/{id}");

        page.Should().Contain($"data-field-key=\"{CrmWorld.WeightedKey}\">300</dd>");
        page.Should().Contain($"data-field-key=\"{CrmWorld.SeatsKey}\">40</dd>");
    }

    [Fact]
    public async Task A_script_in_a_note_or_an_email_never_reaches_the_deal_page()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep);
        await App.WithDbAsync(async db =>
        {
            // Saved past the page on purpose: whatever path saves HTML, it is stored sanitized.
            db.Emails.Add(new EmailMessage { From = "x@y.test", Subject = "Evil mail", HtmlBody = "<p>Hi</p><script>alert('email')</script><a href=\"javascript:alert(2)\">x</a>", DealId = id });
            db.Notes.Add(new Note { Content = "<p>Old</p><script>alert('stored-note')</script>", AuthorId = rep, DealId = id });
            await db.SaveChangesAsync();
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var posted = await client.PostFormAsync($"/deals/{id}?handler=AddNote", new Dictionary<string, string> { ["content"] = "<p>Hello <b>there</b></p><script>alert('note')</script><img src=x onerror=alert(3)>" }, $"/deals/{id}");
        posted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var page = await client.GetStringAsync($"/deals/{id}");

        page.Should().Contain("Hello <b>there</b>").And.Contain("&lt;p&gt;Hi&lt;/p&gt;", "the email is in its sandboxed frame's document");
        page.Should().NotContain("alert('note')").And.NotContain("alert('email')").And.NotContain("alert('stored-note')")
            .And.NotContain("onerror").And.NotContain("javascript:alert");
        (await App.WithDbAsync(db => db.Notes.Where(n => n.Content.Contains("Hello")).SingleAsync())).Content.Should().NotContain("script");
    }

    [Fact]
    public async Task Uploading_an_eml_file_on_the_deal_page_attaches_the_parsed_email()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var client = await App.SignInAsync(DemoUsers.Rep);
        var token = await TokenAsync(client, $"/deals/{id}");

        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(EmlSamples.Simple)), "eml", "pricing.eml" },
        };
        var response = await client.PostAsync($"/deals/{id}?handler=UploadEmail", form);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var email = await App.WithDbAsync(db => db.Emails.SingleAsync(e => e.DealId == id));
        email.Subject.Should().Be("Pricing for 40 seats");
        email.LinkedVia.Should().Be(EmailLinkKind.Bcc);
        var page = await client.GetStringAsync($"/deals/{id}");
        page.Should().Contain("Pricing for 40 seats").And.Contain("&lt;b&gt;HTML&lt;/b&gt;").And.NotContain("alert(");
    }

    [Fact]
    public async Task Marking_won_and_lost_from_the_board_needs_edit_rights()
    {
        var world = await App.CreateWorldAsync();
        var own = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Own deal");
        var others = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), "Manager deal");
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == PermissionSet.RegularUserDefaultId && g.Permission == Permission.EditDealsOwnedByOthers).ExecuteDeleteAsync());
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.PostFormAsync("/pipeline?handler=Lost", new Dictionary<string, string> { ["dealId"] = own.ToString(), ["lostReason"] = "Too pricey" }, "/pipeline"))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.PostFormAsync("/pipeline?handler=Won", new Dictionary<string, string> { ["dealId"] = others.ToString() }, "/pipeline"))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var lost = (await App.FindDealAsync(own))!;
        lost.Status.Should().Be(DealStatus.Lost);
        lost.LostReason.Should().Be("Too pricey");
        (await App.FindDealAsync(others))!.Status.Should().Be(DealStatus.Open);
    }

    [Fact]
    public async Task Deleting_from_the_detail_page_without_the_permission_is_refused()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        await App.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == PermissionSet.RegularUserDefaultId && g.Permission == Permission.DeleteDeals).ExecuteDeleteAsync());
        var client = await App.SignInAsync(DemoUsers.Rep);

        (await client.GetStringAsync($"/deals/{id}")).Should().NotContain(">Delete</button>");
        var response = await client.PostFormAsync($"/deals/{id}?handler=Delete", new Dictionary<string, string>(), $"/deals/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.FindDealAsync(id))!.DeletedAt.Should().BeNull();
    }

    [Fact]
    public async Task A_deleted_deal_opens_read_only_with_a_banner_and_can_be_restored_from_its_page()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Deleted one", deletedAt: DateTimeOffset.UtcNow.AddDays(-2));
        var client = await App.SignInAsync(DemoUsers.Rep);

        var page = await client.GetStringAsync($"/deals/{id}");
        page.Should().Contain("This deal was deleted").And.Contain(">Restore</button>").And.NotContain("Add note").And.NotContain("More actions");

        var response = await client.PostFormAsync($"/deals/{id}?handler=Restore", new Dictionary<string, string>(), $"/deals/{id}");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.FindDealAsync(id))!.DeletedAt.Should().BeNull();
        (await client.GetStringAsync($"/deals/{id}")).Should().NotContain("This deal was deleted");
    }

    [Fact]
    public async Task A_board_column_shows_fifty_cards_with_the_whole_stage_total_and_shows_all_on_request()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        for (var i = 1; i <= 55; i++)
        {
            await App.AddDealAsync(world, rep, $"Column deal {i:00}", value: 10m);
        }

        var client = await App.SignInAsync(DemoUsers.Rep);

        var board = await client.GetStringAsync($"/pipeline?pipelineId={world.SalesId}");
        var all = await client.GetStringAsync($"/pipeline?pipelineId={world.SalesId}&allOf={world.SalesStages[0]}");

        CardCount(board).Should().Be(50);
        System.Net.WebUtility.HtmlDecode(board).Should().Contain("55 deals").And.Contain("550\u00a0EUR").And.Contain("Show all 55 deals");
        board.Should().Contain("Column deal 01").And.NotContain("Column deal 55", "a column shows its oldest deals first");
        CardCount(all).Should().Be(55);
        all.Should().NotContain("Show all");
    }

    private static int CardCount(string html) => Regex.Count(html, "<li class=\"card\" data-deal-id=");

    [Fact]
    public async Task The_deal_list_pages_by_fifty_from_the_page_query_parameter()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        for (var i = 1; i <= 51; i++)
        {
            await App.AddDealAsync(world, rep, $"Paged {i:00}");
        }

        var client = await App.SignInAsync(DemoUsers.Rep);

        var first = await client.GetStringAsync("/deals?search=paged&sort=title&dir=asc");
        var second = await client.GetStringAsync("/deals?search=paged&sort=title&dir=asc&page=2");

        first.Should().Contain("Paged 01").And.Contain("Paged 50").And.NotContain("Paged 51");
        second.Should().Contain("Paged 51").And.NotContain("Paged 01");
    }

    [Fact]
    public async Task A_deal_list_longer_than_the_count_limit_says_so_pages_past_it_and_counts_exactly_on_the_last_page()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var first = await App.AddDealAsync(world, rep, "Counted 0");
        var total = Web.Pages.Deals.IndexModel.CountLimit + 70;
        await App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO deals (title, value_amount, value_currency, status, owner_id, organization_id, person_id, pipeline_id, stage_id, visibility, labels, created_at, updated_at)
            SELECT 'Counted ' || n, d.value_amount, d.value_currency, d.status, d.owner_id, d.organization_id, d.person_id, d.pipeline_id, d.stage_id, d.visibility, d.labels,
                   d.created_at - n * interval '1 second', d.updated_at
            FROM deals d, generate_series(1, {total - 1}) AS n WHERE d.id = {first}
            """));
        var client = await App.SignInAsync(DemoUsers.Rep);
        var lastPage = (total + Web.Pages.Deals.IndexModel.PageSize - 1) / Web.Pages.Deals.IndexModel.PageSize;

        var firstPage = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync("/deals"));
        var deep = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/deals?page={lastPage - 1}"));
        var last = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/deals?page={lastPage}"));
        var pastTheEnd = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/deals?page={lastPage + 5}"));

        firstPage.Should().Contain($"{Web.Pages.Deals.IndexModel.CountLimit:N0}+ deals").And.Contain("Page 1 of 20+").And.Contain("rel=\"next\"");
        deep.Should().Contain($"{(lastPage - 1) * 50:N0}+ deals").And.Contain($"Counted {((lastPage - 1) * 50) - 1}<").And.Contain("rel=\"next\"");
        last.Should().Contain($"{total:N0} deals").And.Contain($"Page {lastPage} of {lastPage}<").And.Contain($"Counted {total - 1}<").And.NotContain("rel=\"next\"");
        pastTheEnd.Should().Contain($"{total:N0} deals").And.Contain($"Page {lastPage} of {lastPage}<").And.Contain($"Counted {total - 1}<");
    }

    [Fact]
    public async Task The_deal_list_combines_filters_from_the_url_and_restores_deleted_deals_in_bulk()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.AddDealAsync(world, rep, "Alpha small", value: 100m);
        await App.AddDealAsync(world, rep, "Alpha large", value: 9000m);
        await App.AddDealAsync(world, rep, "Beta large", value: 9000m);
        var gone1 = await App.AddDealAsync(world, rep, "Gone one", deletedAt: DateTimeOffset.UtcNow.AddDays(-1));
        var gone2 = await App.AddDealAsync(world, rep, "Gone two", deletedAt: DateTimeOffset.UtcNow.AddDays(-3));
        var client = await App.SignInAsync(DemoUsers.Rep);

        var filtered = await client.GetStringAsync("/deals?search=alpha&minValue=1000");
        filtered.Should().Contain("Alpha large").And.NotContain("Alpha small").And.NotContain("Beta large").And.NotContain("Gone one");
        filtered.Should().Contain("id=\"deal-selection\"").And.Contain("name=\"ids\"");

        var deleted = await client.GetStringAsync("/deals?status=Deleted");
        deleted.Should().Contain("Gone one").And.Contain("Gone two").And.NotContain("Alpha large");

        var response = await client.PostAsync("/deals?handler=Restore", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", await TokenAsync(client, "/deals?status=Deleted")),
            new("ids", gone1.ToString()),
            new("ids", gone2.ToString()),
            new("returnQuery", "?status=Deleted"),
        ]));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.FindDealAsync(gone1))!.DeletedAt.Should().BeNull();
        (await App.FindDealAsync(gone2))!.DeletedAt.Should().BeNull();
    }

    [Fact]
    public async Task Editing_a_deal_on_the_edit_page_saves_standard_and_custom_fields_with_history()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep, "Before edit");
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync($"/deals/{id}/edit", new Dictionary<string, string>
        {
            ["Input.Title"] = "After edit",
            ["Input.Value"] = "4321.50",
            ["Input.Currency"] = "usd",
            ["Input.Probability"] = "60",
            ["Input.OwnerId"] = rep.ToString(),
            ["Input.PersonId"] = world.PersonId.ToString(),
            ["Input.OrganizationId"] = "",
            ["Input.StageId"] = world.SalesStages[1].ToString(),
            ["Input.Visibility"] = "OwnerOnly",
            ["Input.Labels"] = "hot, q3",
            ["cf_" + CrmWorld.SeatsKey] = "12",
            ["cf_" + CrmWorld.TierKey] = "Starter",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var deal = (await App.FindDealAsync(id))!;
        deal.Title.Should().Be("After edit");
        deal.ValueAmount.Should().Be(4321.50m);
        deal.ValueCurrency.Should().Be("USD");
        deal.OrganizationId.Should().BeNull();
        deal.Visibility.Should().Be(Visibility.OwnerOnly);
        deal.Labels.Should().Equal("hot", "q3");
        deal.CustomFields.Should().Contain(CrmWorld.SeatsKey, "12").And.Contain(CrmWorld.TierKey, "Starter");
        var fields = await App.WithDbAsync(db => db.DealHistory.Where(h => h.DealId == id).Select(h => h.Field).ToListAsync());
        fields.Should().Contain(["title", "value", "currency", "org_id", "stage_id", "visible_to", "labels", CrmWorld.SeatsKey]);
    }

    [Fact]
    public async Task The_new_deal_form_still_asks_for_a_person_or_an_organization()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var client = await App.SignInAsync(DemoUsers.Rep);
        var fields = new Dictionary<string, string>
        {
            ["Input.Title"] = "Form deal",
            ["Input.Value"] = "100",
            ["Input.Currency"] = "EUR",
            ["Input.OwnerId"] = rep.ToString(),
            ["Input.PersonId"] = "",
            ["Input.OrganizationId"] = "",
            ["Input.StageId"] = world.SalesStages[0].ToString(),
            ["Input.Visibility"] = "EntireCompany",
        };

        var refused = await client.PostFormAsync("/deals/new", fields);
        fields["Input.OrganizationId"] = world.OrganizationId.ToString();
        var accepted = await client.PostFormAsync("/deals/new", fields);

        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("A deal needs a person or an organization.");
        accepted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.WithDbAsync(db => db.Deals.CountAsync(d => d.Title == "Form deal"))).Should().Be(1);
    }

    [Fact]
    public async Task Custom_field_settings_need_the_permission_and_refuse_an_invalid_formula()
    {
        await App.CreateWorldAsync();
        var rep = await App.SignInAsync(DemoUsers.Rep);
        (await rep.GetAsync("/settings/custom-fields")).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var admin = await App.SignInAsync(DemoUsers.Admin);
        var bad = await admin.PostFormAsync("/settings/custom-fields?handler=Add", new Dictionary<string, string>
        {
            ["entity"] = "Deal",
            ["name"] = "Broken",
            ["type"] = "Formula",
            ["formula"] = "value * (",
        }, "/settings/custom-fields");
        var good = await admin.PostFormAsync("/settings/custom-fields?handler=Add", new Dictionary<string, string>
        {
            ["entity"] = "Deal",
            ["name"] = "Double value",
            ["type"] = "Formula",
            ["formula"] = "value * 2",
        }, "/settings/custom-fields");

        bad.StatusCode.Should().Be(HttpStatusCode.Redirect);
        good.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var names = await App.WithDbAsync(db => db.CustomFields.Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).Select(f => f.Name).ToListAsync());
        names.Should().Contain("Double value").And.NotContain("Broken");
        names.Last().Should().Be("Double value");
    }

    [Fact]
    public async Task Convert_to_lead_entry_points_show_only_with_the_permission()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Rep's deal");
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var restricted = await App.SignInAsync(DemoUsers.Restricted);

        (await rep.GetStringAsync($"/deals/{id}")).Should().Contain($"<a href=\"/deals/{id}/convert\">Convert to lead</a>");
        (await rep.GetStringAsync("/pipeline")).Should().Contain("value=\"leads\"").And.Contain("name=\"returnUrl\" value=\"/pipeline\"");
        (await restricted.GetStringAsync($"/deals/{id}")).Should().NotContain("Convert to lead");
        (await restricted.GetStringAsync("/pipeline")).Should().NotContain("value=\"leads\"");
    }

    private static async Task<string> TokenAsync(HttpClient client, string url)
    {
        var page = await client.GetStringAsync(url);
        return WebUtility.HtmlDecode(Token().Match(page).Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
