using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>What the planner is told about the search's LIKE (docs/decisions/0027).</summary>
public sealed class SearchPlanTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task The_planner_prices_a_like_on_the_search_text_at_ten_operator_costs()
    {
        var cost = await App.WithDbAsync(db => db.Database
            .SqlQueryRaw<float>("SELECT procost AS \"Value\" FROM pg_proc WHERE oid = 'pg_catalog.textlike(text, text)'::regprocedure")
            .SingleAsync());

        cost.Should().Be(10, "at one operator cost a walk that tests 85,000 texts looks cheaper than a bitmap of 1,300 rows");
    }
}
