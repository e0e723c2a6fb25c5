using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Seeding;

/// <summary>Rows every installation has (the built-in permission set, company settings). Idempotent.</summary>
public sealed class ReferenceData(CrmDbContext db)
{
    public async Task EnsureAsync(CancellationToken cancellationToken = default)
    {
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO permission_sets (id, name, description, is_built_in)
            VALUES ({0}, {1}, 'Given to every new regular user.', TRUE)
            ON CONFLICT (id) DO NOTHING;
            INSERT INTO company_settings (id, company_name, bulk_conversion_limit)
            VALUES ({2}, 'DealToLead', {3})
            ON CONFLICT (id) DO NOTHING;
            SELECT setval(pg_get_serial_sequence('permission_sets', 'id'), GREATEST((SELECT MAX(id) FROM permission_sets), 1));
            """,
            [PermissionSet.RegularUserDefaultId, PermissionSet.RegularUserDefaultName, CompanySettings.SingletonId, CompanySettings.DefaultBulkConversionLimit],
            cancellationToken);

        var hasGrants = await db.PermissionGrants.AnyAsync(g => g.PermissionSetId == PermissionSet.RegularUserDefaultId, cancellationToken);
        if (!hasGrants)
        {
            db.PermissionGrants.AddRange(PermissionSet.RegularUserDefaults.Select(p => new PermissionGrant
            {
                PermissionSetId = PermissionSet.RegularUserDefaultId,
                Permission = p,
            }));
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
