using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapDealToLeadApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(policy => policy.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser().AddRequirements(new ActiveUserRequirement()))
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.Api);

        api.MapCrmApi();
        api.MapGet("/v1/users/me", GetMe).WithName("GetCurrentUser").WithSummary("The user the API token belongs to.");
        api.MapLeadsApi();
        api.MapConversionApi();
        api.MapBulkConversionApi();
        api.MapAdminApi();
        api.MapWebhooksApi();
        return app;
    }

    private static async Task<IResult> GetMe(CurrentUser currentUser, CrmDbContext db, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == currentUser.UserId)
            .Select(u => new UserDto(u.Id, u.DisplayName, u.Email!, u.Role == Core.Users.UserRole.GlobalAdmin, u.IsActive))
            .FirstAsync(cancellationToken);
        return ApiResults.Ok(user);
    }
}

public sealed record UserDto(int Id, string Name, string Email, bool IsAdmin, bool ActiveFlag);
