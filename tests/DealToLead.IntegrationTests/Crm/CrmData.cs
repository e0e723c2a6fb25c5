using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Users;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Crm;

/// <summary>Two pipelines, a person, an organization and the custom fields the CRM tests need.</summary>
public sealed record CrmWorld(int SalesId, int[] SalesStages, int PartnershipsId, int[] PartnershipStages, int PersonId, int OrganizationId)
{
    public const string SeatsKey = "seats";
    public const string TierKey = "tier";
    public const string WeightedKey = "weighted";
    public const string LinkedInKey = "linkedin";
}

public static class CrmData
{
    public static async Task<CrmWorld> CreateWorldAsync(this DealToLeadApp app) => await app.WithDbAsync(async db =>
    {
        var sales = new Pipeline { Name = "Sales", IsDefault = true, OrderNr = 0, Stages = [new() { Name = "Qualified", OrderNr = 0 }, new() { Name = "Demo", OrderNr = 1 }, new() { Name = "Proposal", OrderNr = 2 }] };
        var partnerships = new Pipeline { Name = "Partnerships", OrderNr = 1, Stages = [new() { Name = "Intro", OrderNr = 0 }, new() { Name = "Contract", OrderNr = 1 }] };
        var org = new Organization { Name = "Acme Corp", Address = "1 Main St" };
        var person = new Person { Name = "Pat Buyer", Emails = ["pat@acme.test"], Organization = org };
        db.AddRange(sales, partnerships, org, person);
        db.CustomFields.AddRange(
            new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = CrmWorld.SeatsKey, Name = "Seats", Type = CustomFieldType.Number, OrderNr = 0 },
            new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = CrmWorld.TierKey, Name = "Tier", Type = CustomFieldType.SingleOption, Options = ["Starter", "Enterprise"], OrderNr = 1 },
            new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = CrmWorld.WeightedKey, Name = "Weighted value", Type = CustomFieldType.Formula, FormulaExpression = "value * probability / 100", OrderNr = 2 },
            new CustomFieldDefinition { Entity = CustomFieldEntity.Person, Key = CrmWorld.LinkedInKey, Name = "LinkedIn", Type = CustomFieldType.Text, OrderNr = 0 });
        await db.SaveChangesAsync();
        return new CrmWorld(sales.Id, sales.Stages.Select(s => s.Id).ToArray(), partnerships.Id, partnerships.Stages.Select(s => s.Id).ToArray(), person.Id, org.Id);
    });

    public static async Task<int> AddDealAsync(this DealToLeadApp app, CrmWorld world, int ownerId, string title = "Big deal", int stageIndex = 0,
        Visibility visibility = Visibility.EntireCompany, DateTimeOffset? deletedAt = null, decimal value = 1000m, int? probability = null,
        Dictionary<string, string>? customFields = null)
    {
        var builder = new DealBuilder(ownerId).Titled(title).InStage(world.SalesId, world.SalesStages[stageIndex]).For(world.PersonId, world.OrganizationId)
            .Worth(value).WithProbability(probability).DeletedAt(deletedAt).WithCustomFields(customFields ?? []);
        return (await app.WithDbAsync((visibility == Visibility.OwnerOnly ? builder.Private() : builder).BuildAsync)).Id;
    }

    public static Task<Deal?> FindDealAsync(this DealToLeadApp app, int id) =>
        app.WithDbAsync(db => db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id));

    /// <summary>Regular users may see every deal by default; the visibility tests take that permission away.</summary>
    public static Task WithoutSeeingOthersDealsAsync(this DealToLeadApp app) =>
        app.WithDbAsync(db => db.PermissionGrants
            .Where(g => g.PermissionSetId == PermissionSet.RegularUserDefaultId && g.Permission == Permission.SeeDealsOfOthers)
            .ExecuteDeleteAsync());
}
