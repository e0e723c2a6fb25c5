using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>Requests reuse pooled DbContexts (docs/decisions/0008); nothing of one request may leak into the next.</summary>
public sealed class DbContextPoolingTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_later_request_reuses_the_context_of_an_earlier_one_with_nothing_left_tracked()
    {
        CrmDbContext first;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            await first.Users.FirstAsync();
            first.Persons.Add(new Person { Name = "Never saved" });
            first.ChangeTracker.Entries().Should().HaveCount(2);
        }

        // The pool hands contexts out first in, first out, and background services lease them too: look for it.
        for (var request = 0; request < 100; request++)
        {
            await using var scope = App.Services.CreateAsyncScope();
            var leased = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
            if (ReferenceEquals(leased, first))
            {
                leased.ChangeTracker.Entries().Should().BeEmpty();
                return;
            }
        }

        Assert.Fail("100 later requests never got the first request's context back: contexts are not pooled.");
    }

    [Fact]
    public async Task Each_request_stamps_its_own_user_on_what_it_saves_although_contexts_are_shared()
    {
        var (repId, managerId) = (await App.UserIdAsync(DemoUsers.Rep), await App.UserIdAsync(DemoUsers.Manager));
        var (rep, manager) = (App.ApiClient(DemoUsers.Rep), App.ApiClient(DemoUsers.Manager));

        var created = await rep.PostAsJsonAsync("/api/v2/persons", new { name = "Stamped" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("id").GetInt32();
        (await Stamps(id)).Should().Be((repId, repId));

        (await manager.PatchAsJsonAsync($"/api/v2/persons/{id}", new { name = "Stamped by the manager" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Stamps(id)).Should().Be((repId, managerId));

        (await rep.PatchAsJsonAsync($"/api/v2/persons/{id}", new { name = "Stamped by the rep again" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Stamps(id)).Should().Be((repId, repId));
    }

    private Task<(int? CreatedBy, int? UpdatedBy)> Stamps(int personId) => App.WithDbAsync(async db =>
    {
        var person = await db.Persons.AsNoTracking().SingleAsync(p => p.Id == personId);
        return (person.CreatedById, person.UpdatedById);
    });
}
