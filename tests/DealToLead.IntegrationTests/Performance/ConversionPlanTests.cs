using DealToLead.Core.Conversions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Conversions;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>PostgreSQL plans the single-deal conversion statement once per connection, not per conversion (ADR 0008).</summary>
public sealed class ConversionPlanTests(DealToLeadApp app) : ConversionTestBase(app)
{
    [Fact]
    public async Task Single_conversions_on_one_connection_reuse_a_generic_plan_of_the_conversion_statement()
    {
        var rep = await AccessAsync(DemoUsers.Rep);
        var dealIds = new List<int>();
        for (var i = 0; i < 15; i++)
        {
            dealIds.Add((await CreateDealAsync(DemoUsers.Rep)).Id);
        }

        // One connection throughout, as a pooled connection of a busy server: Npgsql prepares a statement on its fifth
        // use there, and PostgreSQL weighs a generic plan after five custom ones.
        await using var db = NewContext();
        await db.Database.OpenConnectionAsync();
        var service = new DealConversionService(db, TimeProvider.System);
        foreach (var dealId in dealIds)
        {
            (await service.ConvertDealToLeadAsync(rep, dealId))!.Succeeded.Should().BeTrue();
        }

        var genericPlans = await db.Database.SqlQueryRaw<long>(
            "SELECT generic_plans AS \"Value\" FROM pg_prepared_statements WHERE statement LIKE 'WITH requested AS (SELECT $1 AS deal_id%'").SingleAsync();
        genericPlans.Should().BeGreaterThan(0, "a single deal's parameters are scalars, whose generic plan is as cheap as a custom one");
    }
}
