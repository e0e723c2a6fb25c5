using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Users;

/// <summary>A user as an owner choice in forms and filters.</summary>
public sealed record UserOption(int Id, string Name)
{
    /// <summary>The active users by name; compiled, because every inbox view runs it (docs/decisions/0008).</summary>
    public static readonly Func<CrmDbContext, IAsyncEnumerable<UserOption>> Active = EF.CompileAsyncQuery<CrmDbContext, UserOption>(
        db => db.Users.AsNoTracking().Where(u => u.IsActive).OrderBy(u => u.DisplayName).Select(u => new UserOption(u.Id, u.DisplayName)));
}
