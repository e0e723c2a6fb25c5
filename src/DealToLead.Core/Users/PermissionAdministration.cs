using DealToLead.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Users;

/// <summary>The outcome of an admin change: refused changes say why, in words an admin can act on.</summary>
public sealed record AdminResult(bool Succeeded, string? Error = null, int? Id = null)
{
    public static AdminResult Ok(int? id = null) => new(true, null, id);

    public static AdminResult Refused(string error) => new(false, error);
}

/// <summary>A new user, and the token for their set-password link when no initial password was given.</summary>
public sealed record CreatedUser(AdminResult Result, int? UserId, string? PasswordResetToken);

/// <summary>
/// Every change to who may do what: permission sets, their grants, users' roles, sets and activation.
/// Each change writes its <see cref="PermissionAuditEntry"/> in the same SaveChanges as the change itself,
/// so the audit log cannot miss a change nor record one that did not happen.
/// </summary>
public sealed class PermissionAdministration(CrmDbContext db, TimeProvider clock, UserManager<AppUser> userManager)
{
    // Serializes changes that could remove the last active admin: two admins demoting each other at once must not both succeed.
    private const long LastAdminLockKey = 0x0D7_AD31;

    public async Task<AdminResult> CreateSetAsync(UserAccess actor, string name, string? description, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        name = name.Trim();
        if (await NameTakenAsync(name, null, cancellationToken))
        {
            return AdminResult.Refused($"A permission set named \"{name}\" already exists.");
        }

        var set = new PermissionSet
        {
            Name = name,
            Description = description?.Trim() ?? string.Empty,
            Grants = PermissionSet.RegularUserDefaults.Select(p => new PermissionGrant { Permission = p }).ToList(),
        };
        db.PermissionSets.Add(set);
        Audit(actor, $"Created permission set \"{name}\" with the default permissions", set: set);
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Ok(set.Id);
    }

    public async Task<AdminResult> CopySetAsync(UserAccess actor, int sourceId, string name, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var source = await db.PermissionSets.AsNoTracking().Include(s => s.Grants).FirstOrDefaultAsync(s => s.Id == sourceId, cancellationToken);
        if (source is null)
        {
            return AdminResult.Refused("That permission set does not exist.");
        }

        name = name.Trim();
        if (await NameTakenAsync(name, null, cancellationToken))
        {
            return AdminResult.Refused($"A permission set named \"{name}\" already exists.");
        }

        var copy = new PermissionSet
        {
            Name = name,
            Description = source.Description,
            Grants = source.Grants.Select(g => new PermissionGrant { Permission = g.Permission }).ToList(),
        };
        db.PermissionSets.Add(copy);
        Audit(actor, $"Created permission set \"{name}\" as a copy of \"{source.Name}\"", set: copy);
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Ok(copy.Id);
    }

    public async Task<AdminResult> UpdateSetDetailsAsync(UserAccess actor, int setId, string name, string? description, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var set = await db.PermissionSets.FirstOrDefaultAsync(s => s.Id == setId, cancellationToken);
        if (set is null)
        {
            return AdminResult.Refused("That permission set does not exist.");
        }

        name = name.Trim();
        if (set.IsBuiltIn && name != set.Name)
        {
            return AdminResult.Refused("The built-in set cannot be renamed.");
        }

        if (await NameTakenAsync(name, setId, cancellationToken))
        {
            return AdminResult.Refused($"A permission set named \"{name}\" already exists.");
        }

        if (name != set.Name)
        {
            Audit(actor, $"Renamed permission set \"{set.Name}\" to \"{name}\"", setId: set.Id);
        }

        set.Name = name;
        set.Description = description?.Trim() ?? string.Empty;
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Ok(set.Id);
    }

    /// <summary>Makes the set grant exactly <paramref name="granted"/>; one audit entry per permission turned on or off.</summary>
    public async Task<AdminResult> SetPermissionsAsync(UserAccess actor, int setId, IEnumerable<Permission> granted, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var set = await db.PermissionSets.Include(s => s.Grants).FirstOrDefaultAsync(s => s.Id == setId, cancellationToken);
        if (set is null)
        {
            return AdminResult.Refused("That permission set does not exist.");
        }

        var wanted = granted.Where(Enum.IsDefined).ToHashSet();
        foreach (var grant in set.Grants.Where(g => !wanted.Contains(g.Permission)).ToList())
        {
            set.Grants.Remove(grant);
            Audit(actor, $"Turned off \"{grant.Permission.Title()}\" in \"{set.Name}\"", setId: set.Id);
        }

        foreach (var permission in wanted.Where(p => !set.Allows(p)).Order())
        {
            set.Grants.Add(new PermissionGrant { Permission = permission });
            Audit(actor, $"Turned on \"{permission.Title()}\" in \"{set.Name}\"", setId: set.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Ok(set.Id);
    }

    /// <summary>Deletes a custom set; its users move to the built-in set so that no regular user is left without one.</summary>
    public async Task<AdminResult> DeleteSetAsync(UserAccess actor, int setId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var set = await db.PermissionSets.Include(s => s.Users).FirstOrDefaultAsync(s => s.Id == setId, cancellationToken);
        if (set is null)
        {
            return AdminResult.Refused("That permission set does not exist.");
        }

        if (set.IsBuiltIn)
        {
            return AdminResult.Refused("The built-in set cannot be deleted: it is the default for regular users.");
        }

        foreach (var user in set.Users)
        {
            user.PermissionSetId = PermissionSet.RegularUserDefaultId;
            Audit(actor, $"Moved to \"{PermissionSet.RegularUserDefaultName}\" because \"{set.Name}\" was deleted", setId: PermissionSet.RegularUserDefaultId, targetUserId: user.Id);
        }

        db.PermissionSets.Remove(set);
        // Not linked to the set: the link would be cleared when the set row goes.
        Audit(actor, $"Deleted permission set \"{set.Name}\"");
        await db.SaveChangesAsync(cancellationToken);
        return AdminResult.Ok();
    }

    /// <summary>Sets a user's role and, for regular users, their permission set. Admins are in no set: they have every permission.</summary>
    public async Task<AdminResult> ChangeUserAccessAsync(UserAccess actor, int userId, UserRole role, int? setId, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        if (!Enum.IsDefined(role))
        {
            return AdminResult.Refused("Unknown role.");
        }

        return await InLastAdminLockAsync(async () =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return AdminResult.Refused("That user does not exist.");
            }

            if (user.IsGlobalAdmin && role != UserRole.GlobalAdmin && user.IsActive && await IsLastActiveAdminAsync(user.Id, cancellationToken))
            {
                return AdminResult.Refused("This is the last active global admin: make someone else an admin first.");
            }

            var newSetId = role == UserRole.GlobalAdmin ? (int?)null : setId ?? user.PermissionSetId ?? PermissionSet.RegularUserDefaultId;
            var newSet = newSetId is { } id ? await db.PermissionSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) : null;
            if (newSetId is not null && newSet is null)
            {
                return AdminResult.Refused("That permission set does not exist.");
            }

            if (user.Role != role)
            {
                Audit(actor, role == UserRole.GlobalAdmin
                    ? $"Made {user.DisplayName} a global admin (every permission)"
                    : $"Made {user.DisplayName} a regular user", targetUserId: user.Id, setId: newSetId);
                user.Role = role;
            }

            if (user.PermissionSetId != newSetId && newSet is not null)
            {
                Audit(actor, $"Assigned {user.DisplayName} to \"{newSet.Name}\"", setId: newSet.Id, targetUserId: user.Id);
            }

            user.PermissionSetId = newSetId;
            await db.SaveChangesAsync(cancellationToken);
            return AdminResult.Ok(user.Id);
        }, cancellationToken);
    }

    public async Task<AdminResult> AssignUserToSetAsync(UserAccess actor, int userId, int setId, CancellationToken cancellationToken = default)
    {
        var role = await db.Users.Where(u => u.Id == userId).Select(u => (UserRole?)u.Role).FirstOrDefaultAsync(cancellationToken);
        return role switch
        {
            null => AdminResult.Refused("That user does not exist."),
            UserRole.GlobalAdmin => AdminResult.Refused("Global admins are not in permission sets: they have every permission."),
            _ => await ChangeUserAccessAsync(actor, userId, UserRole.RegularUser, setId, cancellationToken),
        };
    }

    /// <summary>A deactivated user cannot sign in and their API token stops working; everything they own stays.</summary>
    public async Task<AdminResult> SetActiveAsync(UserAccess actor, int userId, bool active, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        if (!active && userId == actor.UserId)
        {
            return AdminResult.Refused("You cannot deactivate yourself.");
        }

        return await InLastAdminLockAsync(async () =>
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is null)
            {
                return AdminResult.Refused("That user does not exist.");
            }

            if (user.IsActive == active)
            {
                return AdminResult.Ok(user.Id);
            }

            if (!active && user.IsGlobalAdmin && await IsLastActiveAdminAsync(user.Id, cancellationToken))
            {
                return AdminResult.Refused("This is the last active global admin and cannot be deactivated.");
            }

            user.IsActive = active;
            Audit(actor, active ? $"Reactivated {user.DisplayName}" : $"Deactivated {user.DisplayName}", targetUserId: user.Id);
            await db.SaveChangesAsync(cancellationToken);
            return AdminResult.Ok(user.Id);
        }, cancellationToken);
    }

    /// <summary>
    /// Creates a user. Without <paramref name="password"/> the user has none yet, and the returned token is for
    /// their set-password link. Regular users get <paramref name="setId"/> or else the built-in set.
    /// </summary>
    public async Task<CreatedUser> CreateUserAsync(
        UserAccess actor, string displayName, string email, UserRole role, int? setId, string? password, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        if (!Enum.IsDefined(role))
        {
            return new CreatedUser(AdminResult.Refused("Unknown role."), null, null);
        }

        var set = role == UserRole.GlobalAdmin
            ? null
            : await db.PermissionSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == (setId ?? PermissionSet.RegularUserDefaultId), cancellationToken);
        if (role == UserRole.RegularUser && set is null)
        {
            return new CreatedUser(AdminResult.Refused("That permission set does not exist."), null, null);
        }

        email = email.Trim();
        var user = new AppUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = displayName.Trim(),
            Role = role,
            PermissionSetId = set?.Id,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };
        // Added before UserManager saves the user, so that the user and their audit entry are one SaveChanges.
        var entry = Audit(actor, role == UserRole.GlobalAdmin
            ? $"Created {user.DisplayName} as a global admin (every permission)"
            : $"Created {user.DisplayName} as a regular user in \"{set!.Name}\"", setId: set?.Id);
        entry.TargetUser = user;

        var result = string.IsNullOrEmpty(password)
            ? await userManager.CreateAsync(user)
            : await userManager.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            db.Entry(entry).State = EntityState.Detached;
            return new CreatedUser(AdminResult.Refused(string.Join(" ", result.Errors.Select(e => e.Description))), null, null);
        }

        var token = string.IsNullOrEmpty(password) ? await userManager.GeneratePasswordResetTokenAsync(user) : null;
        return new CreatedUser(AdminResult.Ok(user.Id), user.Id, token);
    }

    private static void RequireAdmin(UserAccess actor)
    {
        // The pages and endpoints are behind the GlobalAdmin policy; this keeps the rule true for any future caller.
        if (!actor.IsActive || !actor.IsGlobalAdmin)
        {
            throw new UnauthorizedAccessException("Only global admins may change permissions.");
        }
    }

    private Task<bool> NameTakenAsync(string name, int? exceptId, CancellationToken cancellationToken) =>
        db.PermissionSets.AnyAsync(s => s.Name.ToLower() == name.ToLower() && s.Id != exceptId, cancellationToken);

    private Task<bool> IsLastActiveAdminAsync(int userId, CancellationToken cancellationToken) =>
        db.Users.AllAsync(u => u.Id == userId || !(u.Role == UserRole.GlobalAdmin && u.IsActive), cancellationToken);

    private Task<AdminResult> InLastAdminLockAsync(Func<Task<AdminResult>> change, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LastAdminLockKey})", ct);
            return await change();
        }, cancellationToken);

    private PermissionAuditEntry Audit(UserAccess actor, string change, PermissionSet? set = null, int? setId = null, int? targetUserId = null)
    {
        var entry = new PermissionAuditEntry
        {
            At = clock.GetUtcNow(),
            ChangedById = actor.UserId,
            PermissionSetId = setId,
            // A new set has no id before the save: the navigation lets EF fill it in.
            PermissionSet = set,
            TargetUserId = targetUserId,
            Change = change,
        };
        db.PermissionAudit.Add(entry);
        return entry;
    }
}
