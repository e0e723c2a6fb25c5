using DealToLead.Core.Users;
using Microsoft.AspNetCore.Authorization;

namespace DealToLead.Web.Auth;

/// <summary>The one authorization check behind every entry point: a policy per permission, backed by the permission set.</summary>
public static class Policies
{
    public const string GlobalAdmin = "GlobalAdmin";

    /// <summary>For attributes, which need a constant; equal to <c>For(Permission.ConvertDealsToLeads)</c>.</summary>
    public const string ConvertDealsToLeads = "Permission:" + nameof(Permission.ConvertDealsToLeads);

    public static string For(Permission permission) => $"Permission:{permission}";

    public static void AddDealToLeadPolicies(this AuthorizationOptions options)
    {
        foreach (var permission in Enum.GetValues<Permission>())
        {
            options.AddPolicy(For(permission), policy => policy.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }

        options.AddPolicy(GlobalAdmin, policy => policy.RequireAuthenticatedUser().AddRequirements(new GlobalAdminRequirement()));
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().AddRequirements(new ActiveUserRequirement()).Build();
    }
}

public sealed record PermissionRequirement(Permission Permission) : IAuthorizationRequirement;

public sealed record GlobalAdminRequirement : IAuthorizationRequirement;

public sealed record ActiveUserRequirement : IAuthorizationRequirement;

public sealed class PermissionAuthorizationHandler(CurrentUser currentUser) : IAuthorizationHandler
{
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        var access = await currentUser.GetAccessAsync();
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            var granted = requirement switch
            {
                PermissionRequirement p => access?.Has(p.Permission) == true,
                GlobalAdminRequirement => access is { IsActive: true, IsGlobalAdmin: true },
                ActiveUserRequirement => access is { IsActive: true },
                _ => (bool?)null,
            };
            if (granted == true)
            {
                context.Succeed(requirement);
            }
        }
    }
}
