using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Users;

/// <summary>
/// What a user may do, read fresh from the database for each request, so that a permission change
/// takes effect on the user's next request without signing out.
/// </summary>
public sealed record UserAccess(int UserId, string DisplayName, string Email, UserRole Role, bool IsActive, IReadOnlySet<Permission> Permissions, string? Language = null)
{
    public bool IsGlobalAdmin => Role == UserRole.GlobalAdmin;

    public bool Has(Permission permission) => IsActive && (IsGlobalAdmin || Permissions.Contains(permission));

    public static Task<UserAccess?> LoadAsync(CrmDbContext db, int userId, CancellationToken cancellationToken = default) =>
        ToAccessAsync(ById(db, userId, cancellationToken));

    /// <summary>The active user holding this API token, with their permissions, in one query.</summary>
    public static Task<UserAccess?> LoadByApiTokenAsync(CrmDbContext db, string tokenHash, CancellationToken cancellationToken = default) =>
        ToAccessAsync(ByApiToken(db, tokenHash, cancellationToken));

    // Compiled, because every request runs one of them: a LINQ query spends about 90 µs of CPU in translation-cache
    // lookup and parameter extraction before it reaches the database (docs/decisions/0007). A compiled query is bound
    // to one EF model, so these take the app's CrmDbContext, never one configured differently.
    private static readonly Func<CrmDbContext, int, CancellationToken, Task<AccessRow?>> ById = EF.CompileAsyncQuery(
        (CrmDbContext db, int userId, CancellationToken _) => db.Users.AsNoTracking().Where(u => u.Id == userId).Select(AccessRow.Projection).FirstOrDefault());

    private static readonly Func<CrmDbContext, string, CancellationToken, Task<AccessRow?>> ByApiToken = EF.CompileAsyncQuery(
        (CrmDbContext db, string tokenHash, CancellationToken _) => db.Users.AsNoTracking().Where(u => u.ApiTokenHash == tokenHash && u.IsActive).Select(AccessRow.Projection).FirstOrDefault());

    private static async Task<UserAccess?> ToAccessAsync(Task<AccessRow?> query) =>
        await query is { } user
            ? new UserAccess(user.Id, user.DisplayName, user.Email ?? string.Empty, user.Role, user.IsActive, user.Grants.ToHashSet(), user.Language)
            : null;

    private sealed record AccessRow(int Id, string DisplayName, string? Email, UserRole Role, bool IsActive, List<Permission> Grants, string? Language)
    {
        public static readonly System.Linq.Expressions.Expression<Func<AppUser, AccessRow>> Projection = u => new AccessRow(
            u.Id, u.DisplayName, u.Email, u.Role, u.IsActive,
            u.PermissionSet == null ? new List<Permission>() : u.PermissionSet.Grants.Select(g => g.Permission).ToList(), u.Language);
    }
}
