using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Common;

/// <summary>Company-wide settings admins can change; one row.</summary>
public class CompanySettings
{
    public const int SingletonId = 1;
    public const int DefaultBulkConversionLimit = 100;

    public int Id { get; set; } = SingletonId;
    public string CompanyName { get; set; } = "DealToLead";
    public int BulkConversionLimit { get; set; } = DefaultBulkConversionLimit;

    /// <summary>
    /// The visibility a new deal or lead gets unless its creator chooses: entire company by default, so a team sees
    /// each other's ordinary work while only owners (and managers) see what is marked owner-only.
    /// </summary>
    public Visibility DefaultVisibility { get; set; } = Visibility.EntireCompany;

    public static async Task<Visibility> DefaultVisibilityAsync(CrmDbContext db, CancellationToken cancellationToken) =>
        await db.CompanySettings.AsNoTracking().Select(s => (Visibility?)s.DefaultVisibility).FirstOrDefaultAsync(cancellationToken) ?? Visibility.EntireCompany;
}
