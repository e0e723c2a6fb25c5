using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

/// <summary>Users and permission sets, shaped like Pipedrive's <c>/users</c> and <c>/permissionSets</c>.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/users", GetUsers).WithName("GetUsers").WithSummary("All users, active and deactivated.");
        api.MapGet("/v1/users/{id:int}", GetUser).WithName("GetUser").WithSummary("One user, active or deactivated.");
        api.MapGet("/v1/permissionSets", GetPermissionSets).WithName("GetPermissionSets")
            .WithSummary("Permission sets with what they allow (global admins only).")
            .RequireAuthorization(Policies.GlobalAdmin);
        api.MapGet("/v1/permissionSets/{id:int}", GetPermissionSet).WithName("GetPermissionSet")
            .WithSummary("One permission set with what it allows and who is in it (global admins only).")
            .RequireAuthorization(Policies.GlobalAdmin);
        return api;
    }

    private static async Task<IResult> GetUsers(CrmDbContext db, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .OrderBy(u => u.Id)
            .Select(u => new ApiUser(u.Id, u.DisplayName, u.Email!, u.Role == UserRole.GlobalAdmin, u.IsActive, u.PermissionSetId, u.CreatedAt))
            .ToListAsync(cancellationToken);
        return ApiResults.Ok(users);
    }

    private static async Task<IResult> GetUser(int id, CrmDbContext db, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new ApiUser(u.Id, u.DisplayName, u.Email!, u.Role == UserRole.GlobalAdmin, u.IsActive, u.PermissionSetId, u.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken) is { } user
            ? ApiResults.Ok(user)
            : ApiResults.NotFound("User");

    private static async Task<IResult> GetPermissionSets(CrmDbContext db, CancellationToken cancellationToken)
    {
        var sets = await LoadAsync(db.PermissionSets.OrderBy(s => s.Id), cancellationToken);
        return ApiResults.Ok(sets.Select(s => s.Summary));
    }

    private static async Task<IResult> GetPermissionSet(int id, CrmDbContext db, CancellationToken cancellationToken)
    {
        var set = (await LoadAsync(db.PermissionSets.Where(s => s.Id == id), cancellationToken)).SingleOrDefault();
        return set is null ? ApiResults.NotFound("Permission set") : ApiResults.Ok(set);
    }

    private static async Task<List<ApiPermissionSetDetail>> LoadAsync(IQueryable<PermissionSet> sets, CancellationToken cancellationToken)
    {
        var rows = await sets.AsNoTracking()
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.Description,
                s.IsBuiltIn,
                Grants = s.Grants.Select(g => g.Permission).ToList(),
                Users = s.Users.OrderBy(u => u.Id).Select(u => new ApiAssignment(u.Id, u.DisplayName)).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new ApiPermissionSetDetail(
                r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Name, r.Description, r.IsBuiltIn, r.Users.Count, r.Grants.Order().ToList(), r.Users))
            .ToList();
    }
}

public sealed record ApiUser(int Id, string Name, string Email, bool IsAdmin, bool ActiveFlag, int? PermissionSetId, DateTimeOffset Created);

public sealed record ApiAssignment(int UserId, string Name);

/// <summary>Pipedrive's permission set ids are strings (GUIDs there); ours are numbers sent as strings.</summary>
public sealed record ApiPermissionSetSummary(string Id, string Name, string Description, bool IsBuiltIn, int AssignmentCount, List<Permission> Contents);

public sealed record ApiPermissionSetDetail(string Id, string Name, string Description, bool IsBuiltIn, int AssignmentCount, List<Permission> Contents, List<ApiAssignment> Assignments)
{
    public ApiPermissionSetSummary Summary => new(Id, Name, Description, IsBuiltIn, AssignmentCount, Contents);
}
