using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Seeding;

/// <summary>Rows every installation has (the built-in permission sets, company settings). Idempotent.</summary>
public sealed class ReferenceData(CrmDbContext db)
{
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO permission_sets (id, name, description, is_built_in)
            VALUES ({0}, {1}, 'Given to every new regular user.', TRUE)
            ON CONFLICT (id) DO NOTHING;
            INSERT INTO company_settings (id, company_name, bulk_conversion_limit, default_visibility)
            VALUES ({2}, 'DealToLead', {3}, 'EntireCompany')
            ON CONFLICT (id) DO NOTHING;
            SELECT setval(pg_get_serial_sequence('permission_sets', 'id'), GREATEST((SELECT MAX(id) FROM permission_sets), 1));
            INSERT INTO permission_sets (name, description, is_built_in)
            VALUES ({4}, 'Sees and edits every deal and lead, owner-only ones included.', TRUE)
            ON CONFLICT (name) DO UPDATE SET is_built_in = TRUE;
            """,
            [PermissionSet.RegularUserDefaultId, PermissionSet.RegularUserDefaultName, CompanySettings.SingletonId, CompanySettings.DefaultBulkConversionLimit,
                PermissionSet.ManagerName],
            cancellationToken);

        await GrantDefaultsAsync(PermissionSet.RegularUserDefaultId, PermissionSet.RegularUserDefaults, cancellationToken);
        var managerSetId = await db.PermissionSets.Where(p => p.Name == PermissionSet.ManagerName).Select(p => p.Id).SingleAsync(cancellationToken);
        await GrantDefaultsAsync(managerSetId, PermissionSet.ManagerDefaults, cancellationToken);
    }

    /// <summary>A built-in set gets its defaults once; after that its grants are the admins' to change.</summary>
    private async Task GrantDefaultsAsync(int setId, IEnumerable<Permission> defaults, CancellationToken cancellationToken)
    {
        if (!await db.PermissionGrants.AnyAsync(g => g.PermissionSetId == setId, cancellationToken))
        {
            db.PermissionGrants.AddRange(defaults.Select(p => new PermissionGrant { PermissionSetId = setId, Permission = p }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
