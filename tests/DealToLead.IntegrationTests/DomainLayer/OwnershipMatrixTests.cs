using System.Net;
using System.Net.Http.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Conversions;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.DomainLayer;

/// <summary>
/// Every route that reads or changes a deal, a lead or one of their items, in the API and the pages, as four users
/// on the rep's owner-only deal and lead: the owner; a user without "See deals of other users" (restricted@); a
/// user who may see but not edit (the manager, in a set with "See" but not "Edit deals owned by other users"); an
/// admin. Each cell gets a fresh deal and lead, and a refused write must change nothing.
/// </summary>
public class OwnershipMatrixTests(DealToLeadApp app) : ConversionTestBase(app)
{
    private enum Actor
    {
        Owner,
        NoSee,
        SeeNotEdit,
        Admin,
    }

    private sealed record World(int DealId, Guid LeadId, int LeadPersonId, int DealActivityId, int DealNoteId, int LeadActivityId, int LeadNoteId, int LeadEmailId);

    private sealed record Route(string Name, bool Writes, Func<World, Client, Task<HttpStatusCode>> Call, int Owner, int NoSee, int SeeNotEdit, int Admin);

    private sealed record Client(HttpClient Api, HttpClient Browser);

    private static StringContent Eml() => new("From: a@example.com\r\nTo: b@example.com\r\nSubject: Hello\r\n\r\nBody", System.Text.Encoding.UTF8, "message/rfc822");

    private static Dictionary<string, string> Form(params (string Key, object Value)[] fields) =>
        fields.ToDictionary(f => f.Key, f => Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture)!);

    private static Task<HttpStatusCode> Page(Client c, string url, Dictionary<string, string> fields) =>
        c.Browser.PostFormAsync(url, fields, formPage: "/leads/new").ContinueWith(t => t.Result.StatusCode);

    private static async Task<HttpStatusCode> Status(Task<HttpResponseMessage> response) => (await response).StatusCode;

    private static readonly Route[] Routes =
    [
        new("GET deal", false, (w, c) => Status(c.Api.GetAsync($"/api/v2/deals/{w.DealId}")), 200, 404, 200, 200),
        new("PATCH deal", true, (w, c) => Status(c.Api.PatchAsJsonAsync($"/api/v2/deals/{w.DealId}", new { title = "Changed" })), 200, 404, 403, 200),
        new("DELETE deal", true, (w, c) => Status(c.Api.DeleteAsync($"/api/v2/deals/{w.DealId}")), 200, 404, 403, 200),
        new("POST deal mail message", true, (w, c) => Status(c.Api.PostAsync($"/api/v1/deals/{w.DealId}/mailMessages", Eml())), 201, 404, 403, 201),
        // restricted@ also lacks "Convert deals to leads", which the route's policy checks first.
        new("POST deal to lead", true, (w, c) => Status(c.Api.PostAsJsonAsync($"/api/v2/deals/{w.DealId}/convert/lead", new { })), 200, 403, 403, 200),
        new("GET lead", false, (w, c) => Status(c.Api.GetAsync($"/api/v1/leads/{w.LeadId}")), 200, 404, 200, 200),
        new("PATCH lead", true, (w, c) => Status(c.Api.PatchAsJsonAsync($"/api/v1/leads/{w.LeadId}", new { title = "Changed" })), 200, 404, 403, 200),
        new("DELETE lead", true, (w, c) => Status(c.Api.DeleteAsync($"/api/v1/leads/{w.LeadId}")), 200, 404, 403, 200),
        new("POST lead to deal", true, (w, c) => Status(c.Api.PostAsJsonAsync($"/api/v2/leads/{w.LeadId}/convert/deal", new { })), 200, 404, 403, 200),
        new("GET activity on deal", false, (w, c) => Status(c.Api.GetAsync($"/api/v2/activities/{w.DealActivityId}")), 200, 404, 200, 200),
        new("GET activity on lead", false, (w, c) => Status(c.Api.GetAsync($"/api/v2/activities/{w.LeadActivityId}")), 200, 404, 200, 200),
        new("PATCH activity on lead", true, (w, c) => Status(c.Api.PatchAsJsonAsync($"/api/v2/activities/{w.LeadActivityId}", new { subject = "Changed" })), 200, 404, 403, 200),
        new("PATCH activity on deal", true, (w, c) => Status(c.Api.PatchAsJsonAsync($"/api/v2/activities/{w.DealActivityId}", new { done = true })), 200, 404, 403, 200),
        new("DELETE activity on lead", true, (w, c) => Status(c.Api.DeleteAsync($"/api/v2/activities/{w.LeadActivityId}")), 200, 404, 403, 200),
        new("POST activity on lead", true, (w, c) => Status(c.Api.PostAsJsonAsync("/api/v2/activities", new { subject = "New", due_date = "2030-01-01", lead_id = w.LeadId })), 201, 404, 403, 201),
        new("POST activity on deal", true, (w, c) => Status(c.Api.PostAsJsonAsync("/api/v2/activities", new { subject = "New", due_date = "2030-01-01", deal_id = w.DealId })), 201, 404, 403, 201),
        new("GET note on lead", false, (w, c) => Status(c.Api.GetAsync($"/api/v1/notes/{w.LeadNoteId}")), 200, 404, 200, 200),
        new("GET note on deal", false, (w, c) => Status(c.Api.GetAsync($"/api/v1/notes/{w.DealNoteId}")), 200, 404, 200, 200),
        new("PUT note on lead", true, (w, c) => Status(c.Api.PutAsJsonAsync($"/api/v1/notes/{w.LeadNoteId}", new { content = "Changed" })), 200, 404, 403, 200),
        new("PUT note on deal", true, (w, c) => Status(c.Api.PutAsJsonAsync($"/api/v1/notes/{w.DealNoteId}", new { content = "Changed" })), 200, 404, 403, 200),
        new("DELETE note on lead", true, (w, c) => Status(c.Api.DeleteAsync($"/api/v1/notes/{w.LeadNoteId}")), 200, 404, 403, 200),
        new("POST note on lead", true, (w, c) => Status(c.Api.PostAsJsonAsync("/api/v1/notes", new { content = "New", lead_id = w.LeadId })), 201, 404, 403, 201),
        new("POST note on deal", true, (w, c) => Status(c.Api.PostAsJsonAsync("/api/v1/notes", new { content = "New", deal_id = w.DealId })), 201, 404, 403, 201),
        new("page deal", false, (w, c) => Status(c.Browser.GetAsync($"/deals/{w.DealId}")), 200, 404, 200, 200),
        new("page deal edit", false, (w, c) => Status(c.Browser.GetAsync($"/deals/{w.DealId}/edit")), 200, 404, 403, 200),
        new("page deal add note", true, (w, c) => Page(c, $"/deals/{w.DealId}?handler=AddNote", Form(("content", "New"))), 302, 404, 403, 302),
        new("page deal add activity", true, (w, c) => Page(c, $"/deals/{w.DealId}?handler=AddActivity", Form(("subject", "New"), ("type", "Call"), ("dueDate", "2030-01-01"))), 302, 404, 403, 302),
        new("page deal complete activity", true, (w, c) => Page(c, $"/deals/{w.DealId}?handler=CompleteActivity", Form(("activityId", w.DealActivityId))), 302, 404, 403, 302),
        new("page deal won", true, (w, c) => Page(c, $"/deals/{w.DealId}?handler=Won", Form()), 302, 404, 403, 302),
        new("page deal delete", true, (w, c) => Page(c, $"/deals/{w.DealId}?handler=Delete", Form()), 302, 404, 403, 302),
        new("page lead", false, (w, c) => Status(c.Browser.GetAsync($"/leads/{w.LeadId}")), 200, 404, 200, 200),
        new("page lead edit", false, (w, c) => Status(c.Browser.GetAsync($"/leads/{w.LeadId}/edit")), 200, 404, 403, 200),
        new("page lead add note", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=AddNote", Form(("content", "New"))), 302, 404, 403, 302),
        new("page lead add activity", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=AddActivity", Form(("subject", "New"), ("type", "Call"), ("dueDate", "2030-01-01"))), 302, 404, 403, 302),
        new("page lead complete activity", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=CompleteActivity", Form(("activityId", w.LeadActivityId))), 302, 404, 403, 302),
        new("page lead reschedule activity", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=RescheduleActivity", Form(("activityId", w.LeadActivityId), ("dueDate", "2031-01-01"))), 302, 404, 403, 302),
        new("page lead archive", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=Archive", Form()), 302, 404, 403, 302),
        new("page lead labels", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=Labels", Form()), 302, 404, 403, 302),
        new("page lead delete", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=Delete", Form()), 302, 404, 403, 302),
        new("page lead undo", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=Undo", Form()), 302, 404, 403, 302),
        new("page lead convert to deal", true, (w, c) => Page(c, $"/leads/{w.LeadId}?handler=ConvertToDeal", Form()), 302, 404, 403, 302),
        new("page lead edit save", true, (w, c) => Page(c, $"/leads/{w.LeadId}/edit", Form(("Input.Title", "Changed"), ("Input.PersonId", w.LeadPersonId), ("Input.Visibility", "OwnerOnly"))), 302, 404, 403, 302),
    ];

    [Fact]
    public async Task Every_deal_lead_and_item_route_answers_each_kind_of_user_as_the_table_says_and_a_refused_write_changes_nothing()
    {
        await MakeManagerSeeButNotEditAsync();
        var clients = new Dictionary<Actor, Client>
        {
            [Actor.Owner] = new(App.ApiClient(DemoUsers.Rep), await App.SignInAsync(DemoUsers.Rep)),
            [Actor.NoSee] = new(App.ApiClient(DemoUsers.Restricted), await App.SignInAsync(DemoUsers.Restricted)),
            [Actor.SeeNotEdit] = new(App.ApiClient(DemoUsers.Manager), await App.SignInAsync(DemoUsers.Manager)),
            [Actor.Admin] = new(App.ApiClient(DemoUsers.Admin), await App.SignInAsync(DemoUsers.Admin)),
        };

        var failures = new List<string>();
        foreach (var route in Routes)
        {
            foreach (var (actor, expected) in new[] { (Actor.Owner, route.Owner), (Actor.NoSee, route.NoSee), (Actor.SeeNotEdit, route.SeeNotEdit), (Actor.Admin, route.Admin) })
            {
                var world = await CreateWorldAsync();
                var before = await FingerprintAsync(world);
                var status = (int)await route.Call(world, clients[actor]);
                if (status != expected)
                {
                    failures.Add($"{route.Name} as {actor}: {status}, expected {expected}");
                }

                if (route.Writes && expected >= 400 && await FingerprintAsync(world) != before)
                {
                    failures.Add($"{route.Name} as {actor}: refused, yet something changed");
                }
            }
        }

        failures.Should().BeEmpty();
    }

    /// <summary>The manager's set sees everything but edits only their own: the "may see, may not edit" user.</summary>
    private Task MakeManagerSeeButNotEditAsync() => App.WithDbAsync(async db =>
    {
        var set = new PermissionSet
        {
            Name = "Sees all, edits own",
            Grants = [.. PermissionSet.RegularUserDefaults.Append(Permission.SeeDealsOfOthers).Select(p => new PermissionGrant { Permission = p })],
        };
        db.PermissionSets.Add(set);
        await db.SaveChangesAsync();
        await db.Users.Where(u => u.Email == DemoUsers.Manager.Email).ExecuteUpdateAsync(s => s.SetProperty(u => u.PermissionSetId, set.Id));
    });

    /// <summary>The rep's owner-only deal with an activity and a note, and an owner-only lead converted from another.</summary>
    private async Task<World> CreateWorldAsync()
    {
        var deal = await CreateDealAsync(DemoUsers.Rep, b => b.Private().WithWorld(upcoming: 1, done: 0, notes: 1, emails: 0, invoices: 0, history: 0));
        var converted = await CreateDealAsync(DemoUsers.Rep, b => b.Private().WithWorld(upcoming: 1, done: 0, notes: 1, emails: 1, invoices: 0, history: 0));
        var leadId = (await ConvertAsync(DemoUsers.Rep, converted.Id))!.LeadId!.Value;
        return await App.WithDbAsync(async db => new World(
            deal.Id,
            leadId,
            await db.Leads.Where(l => l.Id == leadId).Select(l => l.PersonId!.Value).SingleAsync(),
            await db.Activities.Where(a => a.DealId == deal.Id).Select(a => a.Id).SingleAsync(),
            await db.Notes.Where(n => n.DealId == deal.Id).Select(n => n.Id).SingleAsync(),
            await db.Activities.Where(a => a.LeadId == leadId).Select(a => a.Id).SingleAsync(),
            await db.Notes.Where(n => n.LeadId == leadId).Select(n => n.Id).SingleAsync(),
            await db.Emails.Where(e => e.LeadId == leadId).Select(e => e.Id).SingleAsync()));
    }

    /// <summary>Everything a route could change about the world, as one comparable string.</summary>
    private Task<string> FingerprintAsync(World w) => App.WithDbAsync(async db =>
    {
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().Where(d => d.Id == w.DealId).Select(d => new { d.Title, d.Status, d.DeletedAt }).SingleAsync();
        var lead = await db.Leads.AsNoTracking().Where(l => l.Id == w.LeadId).Select(l => new { l.Title, l.IsArchived, Labels = l.LabelIds.Count }).FirstOrDefaultAsync();
        var activities = await db.Activities.AsNoTracking().Where(a => a.DealId == w.DealId || a.LeadId == w.LeadId).OrderBy(a => a.Id)
            .Select(a => $"{a.Id}:{a.Subject}:{a.Done}:{a.DueDate}:{a.DealId}:{a.LeadId}").ToListAsync();
        var notes = await db.Notes.AsNoTracking().Where(n => n.DealId == w.DealId || n.LeadId == w.LeadId).OrderBy(n => n.Id)
            .Select(n => $"{n.Id}:{n.Content}:{n.DealId}:{n.LeadId}").ToListAsync();
        var emails = await db.Emails.CountAsync(e => e.DealId == w.DealId || e.LeadId == w.LeadId);
        var deals = await db.Deals.IgnoreQueryFilters().CountAsync();
        return $"{deal}|{lead}|{string.Join(",", activities)}|{string.Join(",", notes)}|{emails}|{deals}";
    });
}
