using System.Net;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>Issue 18: the filters Pipedrive's SDK sends to the v2 activity, person and organization lists are honoured, not ignored.</summary>
public class ListFiltersApiTests(DealToLeadApp app) : AppTest(app)
{
    private static async Task<List<int>> IdsAsync(HttpClient api, string url)
    {
        var response = await api.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()).ToList();
    }

    [Fact]
    public async Task Activities_filter_by_person_organization_owner_done_and_ids_and_sort_by_due_date()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var admin = await App.UserIdAsync(DemoUsers.Admin);
        var dealId = await App.AddDealAsync(world, rep);
        var today = new DateOnly(2026, 6, 1);
        var (a, b, c) = await App.WithDbAsync(async db =>
        {
            var first = new Activity { Subject = "A", DueDate = today.AddDays(2), OwnerId = rep, DealId = dealId, PersonId = world.PersonId };
            var second = new Activity { Subject = "B", DueDate = today, OwnerId = admin, DealId = dealId, OrganizationId = world.OrganizationId, Done = true };
            var third = new Activity { Subject = "C", DueDate = today.AddDays(1), OwnerId = rep, DealId = dealId };
            db.Activities.AddRange(first, second, third);
            await db.SaveChangesAsync();
            return (first.Id, second.Id, third.Id);
        });
        var api = App.ApiClient(DemoUsers.Rep);

        (await IdsAsync(api, $"/api/v2/activities?person_id={world.PersonId}")).Should().Equal(a);
        (await IdsAsync(api, $"/api/v2/activities?org_id={world.OrganizationId}")).Should().Equal(b);
        (await IdsAsync(api, $"/api/v2/activities?owner_id={rep}&done=false")).Should().Equal(a, c);
        (await IdsAsync(api, "/api/v2/activities?done=true")).Should().Equal(b);
        (await IdsAsync(api, $"/api/v2/activities?ids={c},{a}")).Should().Equal(a, c);
        (await IdsAsync(api, $"/api/v2/activities?deal_id={dealId}&sort_by=due_date")).Should().Equal(b, c, a);
        (await IdsAsync(api, "/api/v2/activities?sort_by=due_date&sort_direction=desc&limit=2")).Should().Equal(a, c);
        (await api.GetAsync("/api/v2/activities?updated_since=2026-01-01T00:00:00Z")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await api.GetAsync("/api/v2/activities?sort_by=update_time")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Persons_and_organizations_filter_by_owner_ids_deal_and_update_time()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var t0 = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var (owned, otherPerson, ownedOrg) = await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Owned", OwnerId = rep };
            var other = new Person { Name = "Other" };
            var org = new Organization { Name = "Owned org", OwnerId = rep };
            db.AddRange(person, other, org);
            await db.SaveChangesAsync();
            await db.Persons.Where(p => p.Id == person.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.UpdatedAt, t0));
            await db.Organizations.Where(o => o.Id == org.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.UpdatedAt, t0));
            return (person.Id, other.Id, org.Id);
        });
        var dealId = await App.AddDealAsync(world, rep);
        var api = App.ApiClient(DemoUsers.Rep);

        (await IdsAsync(api, $"/api/v2/persons?owner_id={rep}")).Should().Equal(owned);
        (await IdsAsync(api, $"/api/v2/persons?ids={otherPerson},{world.PersonId}")).Should().Equal(world.PersonId, otherPerson);
        (await IdsAsync(api, $"/api/v2/persons?deal_id={dealId}")).Should().Equal(world.PersonId);
        (await IdsAsync(api, $"/api/v2/persons?org_id={world.OrganizationId}")).Should().Equal(world.PersonId);
        (await IdsAsync(api, "/api/v2/persons?updated_until=2026-03-01T00:00:01Z")).Should().Equal(owned);
        (await IdsAsync(api, "/api/v2/persons?updated_since=2026-03-01T00:00:01Z")).Should().NotContain(owned).And.HaveCount(2);
        (await IdsAsync(api, $"/api/v2/organizations?owner_id={rep}")).Should().Equal(ownedOrg);
        (await IdsAsync(api, $"/api/v2/organizations?ids={ownedOrg}")).Should().Equal(ownedOrg);
        (await IdsAsync(api, "/api/v2/organizations?updated_until=2026-03-01T00:00:01Z")).Should().Equal(ownedOrg);
        (await IdsAsync(api, "/api/v2/organizations?sort_by=update_time&sort_direction=desc")).Should().EndWith(ownedOrg);

        var person = JsonDocument.Parse(await api.GetStringAsync($"/api/v2/persons?ids={world.PersonId}&custom_fields=nothing")).RootElement.GetProperty("data")[0];
        person.GetProperty("custom_fields").EnumerateObject().Should().BeEmpty();
    }

    [Fact]
    public async Task A_private_deals_person_is_not_found_through_deal_id_by_a_user_who_may_not_see_the_deal()
    {
        var world = await App.CreateWorldAsync();
        await App.WithoutSeeingOthersDealsAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Admin), visibility: Visibility.OwnerOnly);

        (await IdsAsync(App.ApiClient(DemoUsers.Rep), $"/api/v2/persons?deal_id={dealId}")).Should().BeEmpty();
        (await IdsAsync(App.ApiClient(DemoUsers.Admin), $"/api/v2/persons?deal_id={dealId}")).Should().Equal(world.PersonId);
        (await App.WithDbAsync(db => db.Deals.CountAsync())).Should().Be(1);
    }
}
