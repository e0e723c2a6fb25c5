using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Conversions;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.IntegrationTests.DomainLayer;

/// <summary>One test per defect of issue #16: each failed before the domain layer and passes with it.</summary>
public class DomainRuleTests(DealToLeadApp app) : ConversionTestBase(app)
{
    [Fact]
    public async Task Items_on_an_owner_only_lead_are_invisible_and_untouchable_to_a_user_who_cannot_see_the_lead()
    {
        var lead = await ConvertedLeadAsync(DemoUsers.Manager, b => b.Private());
        var (activityId, noteId) = await App.WithDbAsync(async db =>
            (await db.Activities.Where(a => a.LeadId == lead.Id).Select(a => a.Id).FirstAsync(), await db.Notes.Where(n => n.LeadId == lead.Id).Select(n => n.Id).FirstAsync()));
        var rep = App.ApiClient(DemoUsers.Rep);

        (await rep.GetAsync($"/api/v1/leads/{lead.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.GetAsync($"/api/v2/activities/{activityId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.GetAsync($"/api/v1/notes/{noteId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.PatchAsJsonAsync($"/api/v2/activities/{activityId}", new { subject = "Mine now" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.DeleteAsync($"/api/v2/activities/{activityId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.DeleteAsync($"/api/v1/notes/{noteId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var listed = await rep.GetFromJsonAsync<JsonElement>("/api/v2/activities?limit=500");
        listed.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("id").GetInt32()).Should().NotContain(activityId);

        await App.WithDbAsync(async db =>
        {
            (await db.Activities.SingleAsync(a => a.Id == activityId)).Subject.Should().NotBe("Mine now");
            (await db.Notes.AnyAsync(n => n.Id == noteId)).Should().BeTrue();
        });
    }

    [Fact]
    public async Task Converting_a_lead_to_a_deal_over_the_api_is_for_its_owner_or_an_admin()
    {
        var lead = await ConvertedLeadAsync(DemoUsers.Manager);

        var response = await App.ApiClient(DemoUsers.Rep).PostAsJsonAsync($"/api/v2/leads/{lead.Id}/convert/deal", new { });

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.WithDbAsync(db => db.Leads.AnyAsync(l => l.Id == lead.Id))).Should().BeTrue();
    }

    [Fact]
    public async Task Undo_racing_convert_to_deal_on_one_lead_lets_exactly_one_win_and_loses_no_item()
    {
        for (var round = 0; round < 20; round++)
        {
            var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 2, done: 1, notes: 2, emails: 1, invoices: 0, history: 0));
            var lead = (await ConvertAsync(DemoUsers.Rep, deal.Id))!.LeadId!.Value;
            var access = await AccessAsync(DemoUsers.Rep);
            var results = await Task.WhenAll(
                WithServiceAsync(s => s.UndoDealToLeadAsync(access, lead)),
                WithServiceAsync(s => s.ConvertLeadToDealAsync(access, lead)));

            results.Count(r => r?.Succeeded == true).Should().Be(1, "round {0}: undo and convert to deal must not both win", round);
            await App.WithDbAsync(async db =>
            {
                // The deal had 6 items; whichever side won, every one is on one of this round's deals and none is left on the lead.
                var roundDeals = await db.Deals.IgnoreQueryFilters().Where(d => d.Title == deal.Title).Select(d => d.Id).ToListAsync();
                var items = await db.Activities.CountAsync(a => a.DealId != null && roundDeals.Contains(a.DealId.Value))
                    + await db.Notes.CountAsync(n => n.DealId != null && roundDeals.Contains(n.DealId.Value))
                    + await db.Emails.CountAsync(e => e.DealId != null && roundDeals.Contains(e.DealId.Value));
                (await db.Deals.CountAsync(d => d.Title == deal.Title)).Should().Be(1, "round {0}: one live deal", round);
                items.Should().Be(6, "round {0}", round);
                (await db.Activities.CountAsync(a => a.LeadId == lead) + await db.Notes.CountAsync(n => n.LeadId == lead)).Should().Be(0);
                await db.Deals.IgnoreQueryFilters().Where(d => roundDeals.Contains(d.Id)).ExecuteUpdateAsync(s => s.SetProperty(d => d.Title, $"done {round}"));
            });
        }

        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();
    }

    [Fact]
    public async Task Undo_racing_undo_and_convert_to_deal_racing_itself_each_win_once()
    {
        var access = await AccessAsync(DemoUsers.Rep);
        for (var round = 0; round < 10; round++)
        {
            var lead = (await ConvertAsync(DemoUsers.Rep, (await CreateDealAsync(DemoUsers.Rep)).Id))!.LeadId!.Value;
            var undos = await Task.WhenAll(WithServiceAsync(s => s.UndoDealToLeadAsync(access, lead)), WithServiceAsync(s => s.UndoDealToLeadAsync(access, lead)));
            undos.Count(r => r?.Succeeded == true).Should().Be(1);

            var other = (await ConvertAsync(DemoUsers.Rep, (await CreateDealAsync(DemoUsers.Rep)).Id))!.LeadId!.Value;
            var converts = await Task.WhenAll(WithServiceAsync(s => s.ConvertLeadToDealAsync(access, other)), WithServiceAsync(s => s.ConvertLeadToDealAsync(access, other)));
            converts.Count(r => r?.Succeeded == true).Should().Be(1);
        }

        (await ConsistencyChecker.FindViolationsAsync(App.ConnectionString)).Should().BeEmpty();
    }

    [Fact]
    public async Task An_item_on_a_lead_cannot_also_be_put_on_a_deal()
    {
        var lead = await ConvertedLeadAsync(DemoUsers.Rep);
        var otherDeal = await CreateDealAsync(DemoUsers.Rep);
        var (activityId, noteId) = await App.WithDbAsync(async db =>
            (await db.Activities.Where(a => a.LeadId == lead.Id).Select(a => a.Id).FirstAsync(), await db.Notes.Where(n => n.LeadId == lead.Id).Select(n => n.Id).FirstAsync()));
        var rep = App.ApiClient(DemoUsers.Rep);

        (await rep.PatchAsJsonAsync($"/api/v2/activities/{activityId}", new { deal_id = otherDeal.Id })).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await rep.PutAsJsonAsync($"/api/v1/notes/{noteId}", new { deal_id = otherDeal.Id })).StatusCode.Should().Be(HttpStatusCode.BadRequest);

        await App.WithDbAsync(async db =>
        {
            (await db.Activities.SingleAsync(a => a.Id == activityId)).DealId.Should().BeNull();
            (await db.Notes.SingleAsync(n => n.Id == noteId)).DealId.Should().BeNull();
            var both = () => db.Database.ExecuteSqlAsync($"UPDATE activities SET deal_id = {otherDeal.Id} WHERE id = {activityId}");
            (await both.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.CheckViolation);
        });
    }

    [Fact]
    public async Task Lead_page_actions_are_refused_to_a_user_who_may_see_the_lead_but_not_edit_it()
    {
        var lead = await ConvertedLeadAsync(DemoUsers.Manager);
        var activityId = await App.WithDbAsync(db => db.Activities.Where(a => a.LeadId == lead.Id).Select(a => a.Id).FirstAsync());
        var before = await App.WithDbAsync(async db => (await db.Activities.CountAsync(a => a.LeadId == lead.Id), await db.Notes.CountAsync(n => n.LeadId == lead.Id)));
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var page = $"/leads/{lead.Id}";
        (await rep.GetAsync(page)).StatusCode.Should().Be(HttpStatusCode.OK);

        var posts = new (string Handler, Dictionary<string, string> Fields)[]
        {
            ("AddNote", new() { ["content"] = "Sneaky note" }),
            ("AddActivity", new() { ["subject"] = "Sneaky call", ["type"] = "Call", ["dueDate"] = "2030-01-01" }),
            ("CompleteActivity", new() { ["activityId"] = activityId.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            ("RescheduleActivity", new() { ["activityId"] = activityId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["dueDate"] = "2031-01-01" }),
        };
        foreach (var (handler, fields) in posts)
        {
            (await rep.PostFormAsync($"{page}?handler={handler}", fields, formPage: page)).StatusCode.Should().Be(HttpStatusCode.Forbidden, handler);
        }

        await App.WithDbAsync(async db =>
        {
            (await db.Activities.CountAsync(a => a.LeadId == lead.Id), await db.Notes.CountAsync(n => n.LeadId == lead.Id)).Should().Be(before);
            var activity = await db.Activities.SingleAsync(a => a.Id == activityId);
            activity.Done.Should().BeFalse();
            activity.DueDate.Should().NotBe(new DateOnly(2031, 1, 1));
        });
    }

    [Fact]
    public async Task Only_the_latest_conversion_of_a_deal_can_be_undone()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 2, done: 0, notes: 1, emails: 0, invoices: 0, history: 0));
        var first = (await ConvertAsync(DemoUsers.Rep, deal.Id))!.LeadId!.Value;
        var access = await AccessAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            // "Restore deleted deal" brings the deal back; the first lead stays in the inbox with what it got.
            await db.Deals.IgnoreQueryFilters().Where(d => d.Id == deal.Id).ExecuteUpdateAsync(s => s.SetProperty(d => d.DeletedAt, (DateTimeOffset?)null));
            db.Activities.Add(new Activity { Subject = "After the restore", DueDate = new DateOnly(2031, 1, 1), OwnerId = access.UserId, DealId = deal.Id });
            await db.SaveChangesAsync();
        });
        var second = (await ConvertAsync(DemoUsers.Rep, deal.Id))!.LeadId!.Value;

        var olderUndo = await WithServiceAsync(s => s.UndoDealToLeadAsync(access, first));
        olderUndo!.Succeeded.Should().BeFalse();
        olderUndo.Reason.Should().Contain("latest conversion");
        (await App.FindDealAsync(deal.Id))!.IsDeleted.Should().BeTrue();

        var latestUndo = await WithServiceAsync(s => s.UndoDealToLeadAsync(access, second));
        latestUndo!.Succeeded.Should().BeTrue();
        await App.WithDbAsync(async db =>
        {
            (await db.Activities.CountAsync(a => a.DealId == deal.Id && a.Subject == "After the restore")).Should().Be(1);
            (await db.Leads.AnyAsync(l => l.Id == first)).Should().BeTrue();
        });
    }

    [Fact]
    public async Task The_lead_form_takes_typed_custom_fields_and_the_lead_shows_them_by_name()
    {
        var (lead, championKey, productsKey, personId) = await LeadWithTypedFieldsAsync();
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var edit = $"/leads/{lead.Id}/edit";
        var form = new Dictionary<string, string> { ["Input.Title"] = lead.Title, ["Input.PersonId"] = lead.PersonId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.Visibility"] = "EntireCompany" };

        (await rep.PostFormAsync(edit, new Dictionary<string, string>(form) { [$"cf_{championKey}"] = "not-a-person" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await rep.PostFormAsync(edit, new Dictionary<string, string>(form) { [$"cf_{productsKey}"] = "Teleportation" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).CustomFields.Should().NotContainKeys(championKey, productsKey);

        var id = personId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        (await PostPairsAsync(rep, edit, [.. form, new($"cf_{championKey}", id), new($"cf_{productsKey}", "CRM"), new($"cf_{productsKey}", "Invoicing")]))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);

        var editPage = await rep.GetStringAsync(edit);
        editPage.Should().Contain($"<select id=\"cf-{championKey}\"");
        var shown = await rep.GetStringAsync($"/leads/{lead.Id}");
        shown.Should().Contain("Champion Person").And.Contain("CRM, Invoicing").And.NotContain($"Person {personId}");
    }

    [Fact]
    public async Task Deleting_a_deal_custom_field_removes_its_values_from_leads_too()
    {
        var fieldId = await App.WithDbAsync(async db =>
        {
            var field = new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "budget_note", Name = "Budget note", Type = CustomFieldType.Text };
            db.CustomFields.Add(field);
            await db.SaveChangesAsync();
            return field.Id;
        });
        var lead = await ConvertedLeadAsync(DemoUsers.Rep, b => b.WithCustomField("budget_note", "Approved in March"));
        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).CustomFields.Should().ContainKey("budget_note");

        var admin = await App.SignInAsync(DemoUsers.Admin);
        (await admin.PostFormAsync($"/settings/custom-fields?handler=Delete&id={fieldId}", new Dictionary<string, string>(), formPage: "/settings/custom-fields"))
            .StatusCode.Should().Be(HttpStatusCode.Redirect);

        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).CustomFields.Should().NotContainKey("budget_note");
    }

    [Fact]
    public async Task A_person_or_organization_that_is_a_leads_only_contact_cannot_be_deleted()
    {
        var (personId, organizationId) = await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Only contact" };
            var organization = new Organization { Name = "Only organization" };
            db.AddRange(person, organization);
            await db.SaveChangesAsync();
            var ownerId = await db.Users.Where(u => u.Email == DemoUsers.Rep.Email).Select(u => u.Id).SingleAsync();
            db.Leads.AddRange(
                new Lead { Title = "Person lead", OwnerId = ownerId, PersonId = person.Id },
                new Lead { Title = "Organization lead", OwnerId = ownerId, OrganizationId = organization.Id });
            await db.SaveChangesAsync();
            return (person.Id, organization.Id);
        });
        var rep = App.ApiClient(DemoUsers.Rep);

        (await rep.DeleteAsync($"/api/v2/persons/{personId}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await rep.DeleteAsync($"/api/v2/organizations/{organizationId}")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await App.WithDbAsync(async db => (await db.Persons.AnyAsync(p => p.Id == personId), await db.Organizations.AnyAsync(o => o.Id == organizationId)))).Should().Be((true, true));
    }

    [Fact]
    public async Task A_regular_user_neither_sees_nor_edits_another_users_owner_only_deal_and_a_manager_does()
    {
        var managersPrivate = await CreateDealAsync(DemoUsers.Manager, b => b.Private());
        var managersShared = await CreateDealAsync(DemoUsers.Manager);
        var repsPrivate = await CreateDealAsync(DemoUsers.Rep, b => b.Private());
        var rep = App.ApiClient(DemoUsers.Rep);
        var manager = App.ApiClient(DemoUsers.Manager);

        (await rep.GetAsync($"/api/v2/deals/{managersPrivate.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await rep.GetAsync($"/api/v2/deals/{managersShared.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await rep.PatchAsJsonAsync($"/api/v2/deals/{managersShared.Id}", new { title = "Taken over" })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await manager.GetAsync($"/api/v2/deals/{repsPrivate.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await manager.PatchAsJsonAsync($"/api/v2/deals/{repsPrivate.Id}", new { title = "Coached" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.FindDealAsync(managersShared.Id))!.Title.Should().NotBe("Taken over");

        var sets = await App.WithDbAsync(db => db.Users.Where(u => u.Email == DemoUsers.Manager.Email || u.Email == DemoUsers.Rep.Email)
            .Select(u => new { Email = u.Email!, u.PermissionSet!.Name }).ToDictionaryAsync(u => u.Email, u => u.Name));
        sets[DemoUsers.Manager.Email].Should().Be(PermissionSet.ManagerName);
        sets[DemoUsers.Rep.Email].Should().Be(PermissionSet.RegularUserDefaultName);
    }

    [Fact]
    public async Task New_deals_and_leads_get_the_company_default_visibility()
    {
        await CreateDealAsync(DemoUsers.Rep);
        await App.WithDbAsync(db => db.CompanySettings.ExecuteUpdateAsync(s => s.SetProperty(c => c.DefaultVisibility, Visibility.OwnerOnly)));
        var rep = App.ApiClient(DemoUsers.Rep);
        var organization = await (await rep.PostAsJsonAsync("/api/v2/organizations", new { name = "Defaults AB" })).Content.ReadFromJsonAsync<JsonElement>();
        var orgId = organization.GetProperty("data").GetProperty("id").GetInt32();

        var deal = await (await rep.PostAsJsonAsync("/api/v2/deals", new { title = "Default deal", org_id = orgId })).Content.ReadFromJsonAsync<JsonElement>();
        var lead = await (await rep.PostAsJsonAsync("/api/v1/leads", new { title = "Default lead", organization_id = orgId })).Content.ReadFromJsonAsync<JsonElement>();

        deal.GetProperty("data").GetProperty("visible_to").GetInt32().Should().Be(1);
        lead.GetProperty("data").GetProperty("visible_to").GetString().Should().Be("1");
    }

    [Fact]
    public async Task Deal_history_names_conversions_in_words_and_links_the_lead()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0, invoices: 0, history: 0));
        var lead = (await ConvertAsync(DemoUsers.Rep, deal.Id))!.LeadId!.Value;

        var page = await (await App.SignInAsync(DemoUsers.Rep)).GetStringAsync($"/deals/{deal.Id}");

        page.Should().Contain("Converted to lead").And.Contain($"href=\"/leads/{lead}\"").And.NotContain("converted_to_lead").And.NotContain($"→ {lead}");
    }

    /// <summary>Posts a form whose keys repeat (a multiple-options field), with the page's antiforgery token.</summary>
    private static async Task<HttpResponseMessage> PostPairsAsync(HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetStringAsync(url);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        return await client.PostAsync(url, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", WebUtility.HtmlDecode(token))]));
    }

    private async Task<Lead> ConvertedLeadAsync(DemoUser owner, Func<DealBuilder, DealBuilder>? configure = null)
    {
        var deal = await CreateDealAsync(owner, b => (configure?.Invoke(b) ?? b).WithWorld(upcoming: 2, done: 1, notes: 1, emails: 1, invoices: 0, history: 0));
        var outcome = await ConvertAsync(owner, deal.Id);
        outcome!.Succeeded.Should().BeTrue();
        return await App.WithDbAsync(db => db.Leads.AsNoTracking().SingleAsync(l => l.Id == outcome.LeadId));
    }

    private async Task<(Lead Lead, string ChampionKey, string ProductsKey, int PersonId)> LeadWithTypedFieldsAsync()
    {
        var personId = await App.WithDbAsync(async db =>
        {
            db.CustomFields.AddRange(
                new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "champion", Name = "Champion", Type = CustomFieldType.PersonReference, OrderNr = 0 },
                new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "products", Name = "Products", Type = CustomFieldType.MultipleOptions, Options = ["CRM", "Invoicing"], OrderNr = 1 });
            var champion = new Person { Name = "Champion Person" };
            db.Persons.Add(champion);
            await db.SaveChangesAsync();
            return champion.Id;
        });
        return (await ConvertedLeadAsync(DemoUsers.Rep), "champion", "products", personId);
    }
}
