using DealToLead.Infrastructure.Background;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace DealToLead.IntegrationTests.Crm;

public class PurgeTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task Deals_deleted_more_than_30_days_ago_are_purged_with_their_items_and_younger_ones_stay()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var old = await App.AddDealAsync(world, rep, "Old", deletedAt: clock.GetUtcNow().AddDays(-20));
        var recent = await App.AddDealAsync(world, rep, "Recent", deletedAt: clock.GetUtcNow().AddDays(-5));
        var live = await App.AddDealAsync(world, rep, "Live");
        await App.WithDbAsync(async db =>
        {
            db.Notes.Add(new Core.Crm.Note { Content = "note", AuthorId = rep, DealId = old });
            await db.SaveChangesAsync();
        });

        (await App.WithDbAsync(db => DeletedDealPurger.PurgeAsync(db, clock))).Should().Be(0);

        clock.Advance(TimeSpan.FromDays(11));
        var purged = await App.WithDbAsync(db => DeletedDealPurger.PurgeAsync(db, clock));

        purged.Should().Be(1);
        (await App.FindDealAsync(old)).Should().BeNull();
        (await App.FindDealAsync(recent)).Should().NotBeNull();
        (await App.FindDealAsync(live)).Should().NotBeNull();
        (await App.WithDbAsync(db => db.Notes.AnyAsync(n => n.DealId == old))).Should().BeFalse();
    }
}
