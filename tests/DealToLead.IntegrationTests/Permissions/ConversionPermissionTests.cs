using System.Net;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

/// <summary>For every entry point in <see cref="ConversionEntryPoints"/>: the rep converts, a user without the permission is refused.</summary>
public class ConversionPermissionTests(DealToLeadApp app) : AppTest(app)
{
    [Theory]
    [MemberData(nameof(ConversionEntryPoints.Names), MemberType = typeof(ConversionEntryPoints))]
    public async Task A_regular_user_converts_and_a_user_without_the_permission_is_refused(string entryPoint)
    {
        var attempt = ConversionEntryPoints.Named(entryPoint).Attempt;
        var repsDeal = await App.CreateDealAsync(DemoUsers.Rep, "Rep's deal");
        var restrictedsDeal = await App.CreateDealAsync(DemoUsers.Restricted, "Rita's deal");

        var allowed = await attempt(App, DemoUsers.Rep, repsDeal);
        var refused = await attempt(App, DemoUsers.Restricted, restrictedsDeal);

        allowed.StatusCode.Should().NotBe(HttpStatusCode.Forbidden, "the rep's set allows converting ({0})", entryPoint);
        ((int)allowed.StatusCode).Should().BeLessThan(400, "the rep's conversion should succeed ({0})", entryPoint);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden, "the Restricted set does not allow converting ({0})", entryPoint);
        (await EventuallyHasLeadAsync(repsDeal)).Should().BeTrue("the rep's deal is converted ({0}; bulk entry points convert in the background)", entryPoint);
        var (dealLive, hasLead) = await App.WithDbAsync(async db => (
            await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.Id == restrictedsDeal && d.DeletedAt == null),
            await db.Leads.AnyAsync(l => l.OriginDealId == restrictedsDeal)));
        dealLive.Should().BeTrue("a refused conversion leaves the deal live");
        hasLead.Should().BeFalse("a refused conversion creates no lead");
    }

    private async Task<bool> EventuallyHasLeadAsync(int dealId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await App.WithDbAsync(db => db.Leads.AnyAsync(l => l.OriginDealId == dealId)))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
