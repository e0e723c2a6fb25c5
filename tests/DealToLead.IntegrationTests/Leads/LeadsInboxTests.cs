using System.Net;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using InboxPage = DealToLead.Web.Pages.Leads.IndexModel;

namespace DealToLead.IntegrationTests.Leads;

public class LeadsInboxTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task Filtering_by_source_Deal_shows_exactly_the_converted_leads()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var converted = new List<Guid>();
        await App.WithDbAsync(async db =>
        {
            converted.Add((await new LeadBuilder(rep).Titled("Parked deal A").ConvertedFromDeal().BuildAsync(db)).Id);
            converted.Add((await new LeadBuilder(manager).Titled("Parked deal B").ConvertedFromDeal().BuildAsync(db)).Id);
            await new LeadBuilder(rep).From(LeadSource.WebForms).BuildAsync(db);
            await new LeadBuilder(rep).From(LeadSource.ManuallyCreated).BuildAsync(db);
            await new LeadBuilder(manager).From(LeadSource.Import).BuildAsync(db);
        });
        var client = await App.SignInAsync(DemoUsers.Manager);

        var all = LeadTestData.RowIds(await client.GetStringAsync("/leads"));
        var deals = LeadTestData.RowIds(await client.GetStringAsync("/leads?source=Deal"));

        all.Should().HaveCount(5);
        deals.Should().BeEquivalentTo(converted);
    }

    [Fact]
    public async Task A_large_inbox_stops_counting_at_the_limit_and_still_pages_past_it()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var total = InboxPage.CountLimit + 60;
        await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Bulk Person" };
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO leads (id, title, owner_id, creator_id, person_id, source, visibility, custom_fields, label_ids, created_at, updated_at, created_by_id, was_seen, is_archived)
                SELECT gen_random_uuid(), 'Many ' || n, {rep}, {rep}, {person.Id}, 'Deal', 'EntireCompany', jsonb_build_object(), ARRAY[]::uuid[], now() - n * interval '1 second', now(), {rep}, false, false
                FROM generate_series(1, {total}) AS n
                """);
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var first = await client.GetStringAsync("/leads?source=Deal");
        var lastPage = (total + InboxPage.PageSize - 1) / InboxPage.PageSize;
        var last = await client.GetStringAsync($"/leads?source=Deal&p={lastPage}");

        System.Net.WebUtility.HtmlDecode(first).Should().Contain($"{InboxPage.CountLimit:N0}+ leads").And.Contain("rel=\"next\"");
        LeadTestData.RowIds(last).Should().HaveCount(total - ((lastPage - 1) * InboxPage.PageSize), "the last page is reachable past the counting limit");
        last.Should().NotContain("rel=\"next\"");
    }

    [Fact]
    public async Task Each_row_shows_the_leads_earliest_open_activity_and_the_api_names_the_same_one()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var (busy, idle, firstOpen) = await App.WithDbAsync(async db =>
        {
            var busy = await new LeadBuilder(rep).Titled("Busy lead").BuildAsync(db);
            var idle = await new LeadBuilder(rep).Titled("Idle lead").BuildAsync(db);
            var firstOpen = new Activity { Subject = "First open call", DueDate = new DateOnly(2027, 1, 15), OwnerId = rep, LeadId = busy.Id };
            db.Activities.AddRange(
                new Activity { Subject = "Done earlier call", DueDate = new DateOnly(2027, 1, 1), Done = true, DoneAt = DateTimeOffset.UtcNow, OwnerId = rep, LeadId = busy.Id },
                new Activity { Subject = "Later call", DueDate = new DateOnly(2027, 2, 1), OwnerId = rep, LeadId = busy.Id },
                firstOpen,
                new Activity { Subject = "Done idle call", DueDate = new DateOnly(2027, 1, 2), Done = true, DoneAt = DateTimeOffset.UtcNow, OwnerId = rep, LeadId = idle.Id });
            await db.SaveChangesAsync();
            return (busy.Id, idle.Id, firstOpen.Id);
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var html = await client.GetStringAsync("/leads");
        var api = await App.ApiClient(DemoUsers.Rep).GetStringAsync($"/api/v1/leads/{busy}");
        var idleApi = await App.ApiClient(DemoUsers.Rep).GetStringAsync($"/api/v1/leads/{idle}");

        LeadTestData.Row(html, busy).Should().Contain("15 Jan 2027</span> First open call").And.NotContain("Later call").And.NotContain("Done earlier call");
        LeadTestData.Row(html, idle).Should().NotContain("call");
        api.Should().Contain($"\"next_activity_id\":{firstOpen}");
        idleApi.Should().Contain("\"next_activity_id\":null");
    }

    [Fact]
    public async Task Each_row_shows_every_column_of_its_lead()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var leadId = await App.WithDbAsync(async db =>
        {
            var label = new LeadLabel { Id = Guid.NewGuid(), Name = "Warm column", Color = LeadLabelColor.Red, CreatedAt = DateTimeOffset.UtcNow };
            db.LeadLabels.Add(label);
            var organization = new Organization { Name = "Column Org AB" };
            var lead = await new LeadBuilder(rep).Titled("Column lead").From(LeadSource.WebForms).Worth(1234.5m).Labelled(label.Id)
                .For(new Person { Name = "Column Person", Organization = organization })
                .CreatedAt(new DateTimeOffset(2026, 3, 4, 10, 0, 0, TimeSpan.Zero)).BuildAsync(db);
            lead.Organization = organization;
            lead.ExpectedCloseDate = new DateOnly(2027, 5, 6);
            db.Activities.Add(new Activity { Subject = "Column call", DueDate = new DateOnly(2027, 4, 1), OwnerId = rep, LeadId = lead.Id });
            await db.SaveChangesAsync();
            return lead.Id;
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var row = System.Net.WebUtility.HtmlDecode(LeadTestData.Row(await client.GetStringAsync("/leads"), leadId));

        row.Should().Contain(">Column lead</a>").And.Contain("badge-new")
            .And.Contain(">Warm column</span>").And.Contain(">Web forms</td>").And.Contain(">Ruben Rep</td>")
            .And.Contain(">1,234.50\u00A0EUR</td>").And.Contain(">Column Person</td>").And.Contain(">Column Org AB</td>")
            .And.Contain("1 Apr 2027</span> Column call").And.Contain(">6 May 2027</td>").And.Contain(">4 Mar 2026</td>");
    }

    [Fact]
    public async Task Sorting_and_paging_are_stable_when_values_tie()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var sameTime = DateTimeOffset.UtcNow.AddDays(-1);
        await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Tie Person" };
            for (var i = 0; i < 120; i++)
            {
                await new LeadBuilder(rep).Titled(i % 2 == 0 ? "Same title" : "Other title").For(person).CreatedAt(sameTime).BuildAsync(db);
            }
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        foreach (var sort in new[] { "Title", "Created", "Owner", "NextActivity" })
        {
            var seen = new List<Guid>();
            for (var page = 1; page <= 3; page++)
            {
                var html = await client.GetStringAsync($"/leads?sort={sort}&dir=asc&p={page}");
                seen.AddRange(LeadTestData.RowIds(html));
            }

            seen.Should().HaveCount(120).And.OnlyHaveUniqueItems($"sorting by {sort} must neither repeat nor skip leads across pages");
            var again = LeadTestData.RowIds(await client.GetStringAsync($"/leads?sort={sort}&dir=asc&p=2"));
            again.Should().Equal(seen.Skip(50).Take(50));
        }
    }

    [Fact]
    public async Task Sorting_by_value_orders_the_rows()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        await App.WithDbAsync(async db =>
        {
            await new LeadBuilder(rep).Titled("Middle").Worth(500).BuildAsync(db);
            await new LeadBuilder(rep).Titled("Big").Worth(9_000).BuildAsync(db);
            await new LeadBuilder(rep).Titled("Small").Worth(10).BuildAsync(db);
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var html = await client.GetStringAsync("/leads?sort=Value&dir=desc");

        html.IndexOf("Big", StringComparison.Ordinal).Should().BeLessThan(html.IndexOf("Middle", StringComparison.Ordinal));
        html.IndexOf("Middle", StringComparison.Ordinal).Should().BeLessThan(html.IndexOf("Small", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Archived_leads_leave_the_main_list_and_appear_in_the_archived_view()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var (keep, archive) = await App.WithDbAsync(async db =>
            ((await new LeadBuilder(rep).Titled("Keep me").BuildAsync(db)).Id, (await new LeadBuilder(rep).Titled("Archive me").BuildAsync(db)).Id));
        var client = await App.SignInAsync(DemoUsers.Rep);

        var response = await client.PostFormAsync("/leads?handler=Archive", new Dictionary<string, string> { ["ids"] = archive.ToString() }, "/leads");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        LeadTestData.RowIds(await client.GetStringAsync("/leads")).Should().Equal(keep);
        LeadTestData.RowIds(await client.GetStringAsync("/leads/archived")).Should().Equal(archive);

        await client.PostFormAsync("/leads/archived?handler=Unarchive", new Dictionary<string, string> { ["ids"] = archive.ToString() }, "/leads/archived");
        LeadTestData.RowIds(await client.GetStringAsync("/leads")).Should().BeEquivalentTo([keep, archive]);
    }

    [Fact]
    public async Task An_unseen_lead_is_marked_new_until_someone_opens_it()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var lead = await App.WithDbAsync(db => new LeadBuilder(rep).Titled("Fresh lead").BuildAsync(db));
        var client = await App.SignInAsync(DemoUsers.Manager);

        (await client.GetStringAsync("/leads")).Should().Contain("badge-new");
        var withPanel = await client.GetStringAsync($"/leads?selected={lead.Id}");

        withPanel.Should().Contain("data-testid=\"lead-detail\"").And.NotContain("badge-new");
        (await App.WithDbAsync(db => db.Leads.SingleAsync(l => l.Id == lead.Id))).WasSeen.Should().BeTrue();
    }

    [Fact]
    public async Task Another_users_private_lead_is_absent_from_the_list_and_404_on_its_page()
    {
        await LeadTestData.MakeUnableToSeeOthersAsync(App, DemoUsers.Rep);
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var (privateLead, shared) = await App.WithDbAsync(async db =>
            ((await new LeadBuilder(manager).Titled("Secret").Private().BuildAsync(db)).Id, (await new LeadBuilder(manager).Titled("Shared").BuildAsync(db)).Id));
        var client = await App.SignInAsync(DemoUsers.Rep);

        LeadTestData.RowIds(await client.GetStringAsync("/leads")).Should().Equal(shared);
        (await client.GetAsync($"/leads/{privateLead}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetStringAsync($"/leads?selected={privateLead}")).Should().NotContain("Secret");
        (await App.ApiClient(DemoUsers.Rep).GetAsync($"/api/v1/leads/{privateLead}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await App.ApiClient(DemoUsers.Manager).GetAsync($"/api/v1/leads/{privateLead}")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_person_custom_field_is_shown_on_the_lead_and_cannot_be_changed_from_it()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var lead = await App.WithDbAsync(async db =>
        {
            db.CustomFields.Add(new CustomFieldDefinition { Entity = CustomFieldEntity.Person, Key = "person_linkedin", Name = "LinkedIn", Type = CustomFieldType.Text });
            var person = new Person { Name = "Linn Lind", CustomFields = new() { ["person_linkedin"] = "https://linkedin.example/linn" } };
            return await new LeadBuilder(rep).For(person).BuildAsync(db);
        });
        var client = await App.SignInAsync(DemoUsers.Rep);

        var page = await client.GetStringAsync($"/leads/{lead.Id}");
        page.Should().Contain("LinkedIn").And.Contain("https://linkedin.example/linn").And.Contain($"href=\"/persons/{lead.PersonId}\"");
        page.Should().Contain("Edit on person page");
        var form = await client.GetStringAsync($"/leads/{lead.Id}/edit");
        form.Should().NotContain("person_linkedin");

        var response = await client.PostFormAsync($"/leads/{lead.Id}/edit", new Dictionary<string, string>
        {
            ["Input.Title"] = "Renamed",
            ["Input.PersonId"] = lead.PersonId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.OwnerId"] = rep.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Visibility"] = "EntireCompany",
            ["Input.CustomFields[person_linkedin]"] = "https://evil.example",
            ["person_linkedin"] = "https://evil.example",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var (title, personValue, leadFields) = await App.WithDbAsync(async db =>
        {
            var saved = await db.Leads.Include(l => l.Person).SingleAsync(l => l.Id == lead.Id);
            return (saved.Title, saved.Person!.CustomFields["person_linkedin"], saved.CustomFields);
        });
        title.Should().Be("Renamed");
        personValue.Should().Be("https://linkedin.example/linn");
        leadFields.Should().NotContainKey("person_linkedin");
    }

    [Fact]
    public async Task The_activity_log_entry_links_to_the_deleted_deal()
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var lead = await App.WithDbAsync(db => new LeadBuilder(manager).Titled("Parked").ConvertedFromDeal().BuildAsync(db));
        var client = await App.SignInAsync(DemoUsers.Manager);

        var page = await client.GetStringAsync($"/leads/{lead.Id}");

        page.Should().Contain("Converted from deal").And.Contain($"<a href=\"/deals/{lead.OriginDealId}\">Deal</a>").And.Contain(DemoUsers.Manager.DisplayName);
        page.Should().Contain("Upcoming 0").And.Contain("Note 0").And.Contain("Email 0");
        (await App.WithDbAsync(db => db.Deals.IgnoreQueryFilters().SingleAsync(d => d.Id == lead.OriginDealId))).IsDeleted.Should().BeTrue();
    }

    [Fact]
    public async Task Notes_are_sanitized_and_activities_can_be_added_completed_and_rescheduled()
    {
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var lead = await App.WithDbAsync(db => new LeadBuilder(rep).BuildAsync(db));
        var client = await App.SignInAsync(DemoUsers.Rep);
        var url = $"/leads/{lead.Id}";

        await client.PostFormAsync($"{url}?handler=AddNote", new Dictionary<string, string> { ["content"] = "<p>Hi</p><script>alert(1)</script>" }, url);
        await client.PostFormAsync($"{url}?handler=AddActivity", new Dictionary<string, string> { ["subject"] = "Call back", ["type"] = "Call", ["dueDate"] = "2030-01-02" }, url);
        var activity = await App.WithDbAsync(db => db.Activities.SingleAsync(a => a.LeadId == lead.Id));
        await client.PostFormAsync($"{url}?handler=RescheduleActivity", new Dictionary<string, string> { ["activityId"] = activity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["dueDate"] = "2030-02-03" }, url);
        (await App.WithDbAsync(db => db.Activities.SingleAsync(a => a.Id == activity.Id))).DueDate.Should().Be(new DateOnly(2030, 2, 3));
        await client.PostFormAsync($"{url}?handler=CompleteActivity", new Dictionary<string, string> { ["activityId"] = activity.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, url);

        (await App.WithDbAsync(db => db.Activities.SingleAsync(a => a.Id == activity.Id))).Done.Should().BeTrue();
        var note = await App.WithDbAsync(db => db.Notes.SingleAsync(n => n.LeadId == lead.Id));
        note.Content.Should().Contain("<p>Hi</p>").And.NotContain("script");
    }

    [Fact]
    public async Task Only_the_owner_or_an_admin_may_undo_a_conversion()
    {
        var manager = await App.UserIdAsync(DemoUsers.Manager);
        var lead = await App.WithDbAsync(db => new LeadBuilder(manager).ConvertedFromDeal().BuildAsync(db));
        var client = await App.SignInAsync(DemoUsers.Rep);
        var url = $"/leads/{lead.Id}";

        (await client.GetStringAsync(url)).Should().NotContain("Undo conversion").And.NotContain("Convert to deal");
        var response = await client.PostFormAsync($"{url}?handler=Undo", new Dictionary<string, string>(), url);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await (await App.SignInAsync(DemoUsers.Manager)).GetStringAsync(url)).Should().Contain("Undo conversion").And.Contain("Convert to deal");
    }

    [Fact]
    public async Task A_lead_created_by_hand_needs_a_person_or_an_organization()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var person = await App.WithDbAsync(async db =>
        {
            var p = new Person { Name = "Hand Made" };
            db.Persons.Add(p);
            await db.SaveChangesAsync();
            return p.Id;
        });

        var refused = await client.PostFormAsync("/leads/new", new Dictionary<string, string> { ["Input.Title"] = "No contact", ["Input.Visibility"] = "EntireCompany" });
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("needs a person or an organization");

        var created = await client.PostFormAsync("/leads/new", new Dictionary<string, string> { ["Input.Title"] = "With contact", ["Input.PersonId"] = person.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Input.Visibility"] = "EntireCompany" });
        created.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var lead = await App.WithDbAsync(db => db.Leads.SingleAsync());
        lead.Source.Should().Be(LeadSource.ManuallyCreated);
        lead.OwnerId.Should().Be(rep);
    }
}
