using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>The inbox's labels and owners come from memory (ADR 0019), yet a change shows on the next view.</summary>
public class ReferenceDataCacheTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_label_added_renamed_or_deleted_shows_on_the_next_inbox_view()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        (await client.GetStringAsync("/leads")).Should().NotContain("Trade fair 2027", "the first view caches the labels");

        var id = await App.WithDbAsync(async db =>
        {
            var label = new LeadLabel { Name = "Trade fair 2027", Color = LeadLabelColor.Green, CreatedAt = DateTimeOffset.UtcNow };
            db.LeadLabels.Add(label);
            await db.SaveChangesAsync();
            return label.Id;
        });
        (await client.GetStringAsync("/leads")).Should().Contain("Trade fair 2027");

        await App.WithDbAsync(async db =>
        {
            (await db.LeadLabels.SingleAsync(l => l.Id == id)).Name = "Trade fair 2028";
            await db.SaveChangesAsync();
        });
        (await client.GetStringAsync("/leads")).Should().Contain("Trade fair 2028").And.NotContain("Trade fair 2027");

        await App.WithDbAsync(db => LeadLabelRules.DeleteAsync(db, App.Services.GetRequiredService<ReferenceDataCache>(), id, CancellationToken.None));
        (await client.GetStringAsync("/leads")).Should().NotContain("Trade fair 2028");
    }

    [Fact]
    public async Task A_renamed_user_shows_by_the_new_name_in_the_owner_filter()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        (await client.GetStringAsync("/leads")).Should().Contain(DemoUsers.Manager.DisplayName);

        await App.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == DemoUsers.Manager.Email)).DisplayName = "Mona Renamed";
            await db.SaveChangesAsync();
        });

        (await client.GetStringAsync("/leads")).Should().Contain("Mona Renamed");
    }
}
