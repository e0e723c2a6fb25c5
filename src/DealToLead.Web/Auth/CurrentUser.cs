using System.Security.Claims;
using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;

namespace DealToLead.Web.Auth;

/// <summary>
/// The signed-in user of this request; <see cref="GetAccessAsync"/> loads their permissions once per request.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor httpContextAccessor, CrmDbContext db)
{
    private UserAccess? _access;
    private bool _loaded;

    public int? UserId => SignedInUserId.Of(httpContextAccessor);

    public async Task<UserAccess?> GetAccessAsync(CancellationToken cancellationToken = default)
    {
        if (!_loaded)
        {
            _access = UserId is { } id ? await UserAccess.LoadAsync(db, id, cancellationToken) : null;
            _loaded = true;
        }

        return _access;
    }

    /// <summary>Authentication (API token or cookie check) has just loaded this user's access: the request reuses it.</summary>
    public void UseAccess(UserAccess access)
    {
        _access = access;
        _loaded = true;
    }

    /// <summary>For page handlers and endpoints behind authorization, where a signed-in, active user is guaranteed.</summary>
    public async Task<UserAccess> RequireAccessAsync(CancellationToken cancellationToken = default) =>
        await GetAccessAsync(cancellationToken) is { IsActive: true } access
            ? access
            : throw new UnauthorizedAccessException("No active signed-in user.");
}

/// <summary>
/// The signed-in user's id, read from the current request's claims, for the auditing interceptor. A singleton, because
/// the interceptor belongs to the pooled DbContexts' options, which are built once for the app (docs/decisions/0008).
/// </summary>
public sealed class SignedInUserId(IHttpContextAccessor httpContextAccessor) : ICurrentUser
{
    public int? UserId => Of(httpContextAccessor);

    public static int? Of(IHttpContextAccessor httpContextAccessor) =>
        int.TryParse(httpContextAccessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
}
