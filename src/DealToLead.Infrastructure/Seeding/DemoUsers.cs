using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Seeding;

/// <summary>The demo company's people. Development and tests only: the password and tokens are public.</summary>
public static class DemoUsers
{
    public const string Password = "DealToLead-demo1";
    public const string RestrictedSetName = "Restricted";

    public static readonly DemoUser Admin = new("admin@dealtolead.local", "Ada Admin", UserRole.GlobalAdmin, "0000000000000000000000000000000000000a11");
    public static readonly DemoUser Rep = new("rep@dealtolead.local", "Ruben Rep", UserRole.RegularUser, "00000000000000000000000000000000000000e1");
    public static readonly DemoUser Manager = new("manager@dealtolead.local", "Mona Manager", UserRole.RegularUser, "00000000000000000000000000000000000000e2");
    public static readonly DemoUser Restricted = new("restricted@dealtolead.local", "Rita Restricted", UserRole.RegularUser, "00000000000000000000000000000000000000e3");

    public static IReadOnlyList<DemoUser> All { get; } = [Admin, Rep, Manager, Restricted];

    /// <summary>Creates the four demo users (and the Restricted set) if they are missing.</summary>
    public static async Task EnsureAsync(CrmDbContext db, IPasswordHasher<AppUser> hasher, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var restrictedSet = await db.PermissionSets.FirstOrDefaultAsync(s => s.Name == RestrictedSetName, cancellationToken);
        if (restrictedSet is null)
        {
            restrictedSet = new PermissionSet
            {
                Name = RestrictedSetName,
                Description = "Regular users who may not convert deals to leads.",
                Grants = PermissionSet.RegularUserDefaults
                    .Where(p => p != Permission.ConvertDealsToLeads)
                    .Select(p => new PermissionGrant { Permission = p })
                    .ToList(),
            };
            db.PermissionSets.Add(restrictedSet);
            await db.SaveChangesAsync(cancellationToken);
        }

        var managerSetId = await db.PermissionSets.Where(s => s.Name == PermissionSet.ManagerName).Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken);
        foreach (var demo in All)
        {
            var normalized = demo.Email.ToUpperInvariant();
            if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, cancellationToken))
            {
                continue;
            }

            var user = new AppUser
            {
                UserName = demo.Email,
                NormalizedUserName = normalized,
                Email = demo.Email,
                NormalizedEmail = normalized,
                EmailConfirmed = true,
                DisplayName = demo.DisplayName,
                Role = demo.Role,
                PermissionSetId = demo.Role == UserRole.GlobalAdmin ? null
                    : demo == Restricted ? restrictedSet.Id
                    : demo == Manager ? managerSetId ?? PermissionSet.RegularUserDefaultId
                    : PermissionSet.RegularUserDefaultId,
                ApiTokenHash = ApiTokens.Hash(demo.ApiToken),
                SecurityStamp = Guid.NewGuid().ToString("N"),
                LockoutEnabled = true,
                CreatedAt = clock.GetUtcNow(),
            };
            user.PasswordHash = hasher.HashPassword(user, Password);
            db.Users.Add(user);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed record DemoUser(string Email, string DisplayName, UserRole Role, string ApiToken);
