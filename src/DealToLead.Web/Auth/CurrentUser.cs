using System.Security.Claims;
using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;

namespace DealToLead.Web.Auth;

/// <summary>
/// The signed-in user of this request; <see cref="GetAccessAsync(CancellationToken)"/> loads their permissions once per request.
/// The DbContext is resolved lazily because the DbContext's auditing interceptor itself depends on this class.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor httpContextAccessor, IServiceProvider services) : ICurrentUser
{
    private UserAccess? _access;
    private int? _loadedFor;

    public int? UserId =>
        int.TryParse(httpContextAccessor.HttpContext?.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public async Task<UserAccess?> GetAccessAsync(CancellationToken cancellationToken = default) =>
        UserId is { } id ? await GetAccessAsync(id, cancellationToken) : null;

    /// <summary>
    /// The access of the given user, loaded once per request. Cookie validation calls this before the request's user is
    /// set, so that the page's own <see cref="GetAccessAsync(CancellationToken)"/> does not load the same rows again.
    /// </summary>
    public async Task<UserAccess?> GetAccessAsync(int userId, CancellationToken cancellationToken = default)
    {
        if (_loadedFor != userId)
        {
            _access = await UserAccess.LoadAsync(services.GetRequiredService<CrmDbContext>(), userId, cancellationToken);
            _loadedFor = userId;
        }

        return _access;
    }

    /// <summary>For page handlers and endpoints behind authorization, where a signed-in, active user is guaranteed.</summary>
    public async Task<UserAccess> RequireAccessAsync(CancellationToken cancellationToken = default) =>
        await GetAccessAsync(cancellationToken) is { IsActive: true } access
            ? access
            : throw new UnauthorizedAccessException("No active signed-in user.");
}
