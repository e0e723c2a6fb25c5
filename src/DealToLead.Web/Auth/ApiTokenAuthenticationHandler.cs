using System.Security.Claims;
using System.Text.Encodings.Web;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Auth;

/// <summary>Pipedrive-style personal API tokens: the <c>x-api-token</c> header or the <c>api_token</c> query parameter.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CrmDbContext db,
    CurrentUser currentUser,
    ApiTokenFailures failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string HeaderName = "x-api-token";
    public const string QueryName = "api_token";

    private bool _blocked;

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

        var address = ApiTokenFailures.AddressOf(Context);
        if (failures.IsBlocked(address))
        {
            _blocked = true;
            return AuthenticateResult.Fail("Too many invalid API tokens from this address.");
        }

        var user = token.Length > 200 ? null : await UserAccess.LoadByApiTokenAsync(db, ApiTokens.Hash(token), Context.RequestAborted);
        if (user is null)
        {
            failures.Record(address);
            return AuthenticateResult.Fail("Invalid API token.");
        }

        // The permissions came with the token lookup; the request's authorization and handlers reuse them.
        currentUser.UseAccess(user);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, user.Email),
                new Claim(ClaimTypes.Role, user.Role.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_blocked)
        {
            Response.Headers.RetryAfter = "60";
            return ApiResults.Error(StatusCodes.Status429TooManyRequests, "Too many invalid API tokens from this address. Try again in a minute.").ExecuteAsync(Context);
        }

        return ApiResults.Error(StatusCodes.Status401Unauthorized, "Unauthorized: a valid API token is required (x-api-token header or api_token query parameter).")
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiResults.Error(StatusCodes.Status403Forbidden, "You do not have permission to do this.").ExecuteAsync(Context);
}
