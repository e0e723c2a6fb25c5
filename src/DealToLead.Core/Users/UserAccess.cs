using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Users;

/// <summary>
/// What a user may do, read fresh from the database for each request, so that a permission change
/// takes effect on the user's next request without signing out.
/// </summary>
public sealed record UserAccess(int UserId, string DisplayName, string Email, UserRole Role, bool IsActive, IReadOnlySet<Permission> Permissions)
{
    public bool IsGlobalAdmin => Role == UserRole.GlobalAdmin;

    public bool Has(Permission permission) => IsActive && (IsGlobalAdmin || Permissions.Contains(permission));

    public bool CanSee(Deal deal) =>
        deal.OwnerId == UserId || deal.Visibility == Visibility.EntireCompany || Has(Permission.SeeDealsOfOthers);

    public bool CanEdit(Deal deal) => CanSee(deal) && (deal.OwnerId == UserId || Has(Permission.EditDealsOwnedByOthers));

    public bool CanSee(Leads.Lead lead) =>
        lead.OwnerId == UserId || lead.Visibility == Visibility.EntireCompany || Has(Permission.SeeDealsOfOthers);

    public bool CanEdit(Leads.Lead lead) => CanSee(lead) && (lead.OwnerId == UserId || Has(Permission.EditDealsOwnedByOthers));

    public static Task<UserAccess?> LoadAsync(CrmDbContext db, int userId, CancellationToken cancellationToken = default) =>
        LoadAsync(db.Users.Where(u => u.Id == userId), cancellationToken);

    /// <summary>The active user holding this API token, with their permissions, in one query.</summary>
    public static Task<UserAccess?> LoadByApiTokenAsync(CrmDbContext db, string tokenHash, CancellationToken cancellationToken = default) =>
        LoadAsync(db.Users.Where(u => u.ApiTokenHash == tokenHash && u.IsActive), cancellationToken);

    private static async Task<UserAccess?> LoadAsync(IQueryable<AppUser> users, CancellationToken cancellationToken)
    {
        var user = await users.AsNoTracking()
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                u.Role,
                u.IsActive,
                Grants = u.PermissionSet == null ? new List<Permission>() : u.PermissionSet.Grants.Select(g => g.Permission).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return user is null
            ? null
            : new UserAccess(user.Id, user.DisplayName, user.Email ?? string.Empty, user.Role, user.IsActive, user.Grants.ToHashSet());
    }
}
