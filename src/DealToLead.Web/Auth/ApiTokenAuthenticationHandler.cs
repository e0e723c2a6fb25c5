using System.Security.Claims;
using System.Text.Encodings.Web;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Auth;

/// <summary>Pipedrive-style personal API tokens: the <c>x-api-token</c> header or the <c>api_token</c> query parameter.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CrmDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string HeaderName = "x-api-token";
    public const string QueryName = "api_token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = Request.Headers[HeaderName];
        if (string.IsNullOrEmpty(token))
        {
            token = Request.Query[QueryName];
        }

        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length > 200)
        {
            return AuthenticateResult.Fail("Invalid API token.");
        }

        var hash = ApiTokens.Hash(token);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.ApiTokenHash == hash && u.IsActive)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.Role })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (user is null)
        {
            return AuthenticateResult.Fail("Invalid API token.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, user.Email ?? string.Empty),
                new Claim(ClaimTypes.Role, user.Role.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiResults.Error(StatusCodes.Status401Unauthorized, "Unauthorized: a valid API token is required (x-api-token header or api_token query parameter).")
            .ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiResults.Error(StatusCodes.Status403Forbidden, "You do not have permission to do this.").ExecuteAsync(Context);
}
