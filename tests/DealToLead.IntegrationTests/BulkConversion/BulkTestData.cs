using DealToLead.Core.Crm;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.BulkConversion;

/// <summary>Builds the deals a bulk-conversion test needs: one pipeline with two stages, deals owned by demo users.</summary>
public sealed class BulkTestData(DealToLeadApp app, int pipelineId, int firstStageId, int secondStageId, int organizationId)
{
    public int PipelineId => pipelineId;
    public int FirstStageId => firstStageId;
    public int SecondStageId => secondStageId;

    public static async Task<BulkTestData> CreateAsync(DealToLeadApp app)
    {
        var pipeline = new Pipeline
        {
            Name = "Sales",
            IsDefault = true,
            Stages = [new Stage { Name = "Qualified", OrderNr = 1 }, new Stage { Name = "Proposal", OrderNr = 2 }],
        };
        var organization = new Organization { Name = "Acme AB" };
        await app.WithDbAsync(async db =>
        {
            db.Pipelines.Add(pipeline);
            db.Organizations.Add(organization);
            await db.SaveChangesAsync();
        });
        return new BulkTestData(app, pipeline.Id, pipeline.Stages[0].Id, pipeline.Stages[1].Id, organization.Id);
    }

    public async Task<List<int>> DealsAsync(int count, DemoUser owner, Action<Deal>? configure = null, string titlePrefix = "Deal")
    {
        var ownerId = await app.UserIdAsync(owner);
        var deals = Enumerable.Range(1, count).Select(n =>
        {
            var deal = new Deal { Title = $"{titlePrefix} {n}", OwnerId = ownerId, PipelineId = pipelineId, StageId = firstStageId, OrganizationId = organizationId, ValueAmount = 1000 + n };
            configure?.Invoke(deal);
            return deal;
        }).ToList();
        await app.WithDbAsync(async db =>
        {
            db.Deals.AddRange(deals);
            await db.SaveChangesAsync();
        });
        return deals.Select(d => d.Id).ToList();
    }

    /// <summary>Gives the user a permission set that converts and sees others' deals but may not edit them.</summary>
    public async Task CannotEditOthersDealsAsync(DemoUser user) => await app.WithDbAsync(async db =>
    {
        var set = new PermissionSet
        {
            Name = "Converts own deals only",
            Grants = [new PermissionGrant { Permission = Permission.ConvertDealsToLeads }, new PermissionGrant { Permission = Permission.SeeDealsOfOthers }],
        };
        db.PermissionSets.Add(set);
        await db.SaveChangesAsync();
        await db.Users.Where(u => u.Email == user.Email).ExecuteUpdateAsync(s => s.SetProperty(u => u.PermissionSetId, set.Id));
    });

    public Task SetLimitAsync(int limit) => app.WithDbAsync(db =>
        db.CompanySettings.ExecuteUpdateAsync(s => s.SetProperty(c => c.BulkConversionLimit, limit)));
}
