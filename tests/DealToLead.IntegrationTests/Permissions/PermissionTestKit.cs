using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Permissions;

/// <summary>Test data and checks shared by the permission tests.</summary>
public static partial class PermissionTestKit
{
    /// <summary>An open deal owned by <paramref name="owner"/>, visible to the entire company (so only permissions can refuse others).</summary>
    public static async Task<int> CreateDealAsync(this DealToLeadApp app, DemoUser owner, string title = "Test deal") =>
        (await app.WithDbAsync(new DealBuilder(await app.UserIdAsync(owner)).Titled(title).Worth(1000).BuildAsync)).Id;

    public static async Task<UserAccess> AccessAsync(this DealToLeadApp app, DemoUser user)
    {
        var id = await app.UserIdAsync(user);
        return (await app.WithDbAsync(db => UserAccess.LoadAsync(db, id)))!;
    }

    /// <summary>Evaluates a policy for the user exactly as a request would: the real handler, permissions read fresh.</summary>
    public static async Task<bool> IsAuthorizedAsync(this DealToLeadApp app, DemoUser user, string policy)
    {
        var id = await app.UserIdAsync(user);
        await using var scope = app.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString(System.Globalization.CultureInfo.InvariantCulture))], "Test"));
        var accessor = scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>();
        accessor.HttpContext = new DefaultHttpContext { User = principal, RequestServices = scope.ServiceProvider };
        try
        {
            var result = await scope.ServiceProvider.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, policy);
            return result.Succeeded;
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }

    public static Task<bool> MayConvertAsync(this DealToLeadApp app, DemoUser user) =>
        app.IsAuthorizedAsync(user, Policies.For(Permission.ConvertDealsToLeads));

    /// <summary>Like <see cref="BrowserSession.PostFormAsync"/>, but with repeated fields (checkbox lists).</summary>
    public static async Task<HttpResponseMessage> PostFieldsAsync(this HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string formPage)
    {
        var page = await client.GetStringAsync(formPage);
        var token = AntiforgeryToken().Match(page);
        var form = fields.ToList();
        if (token.Success)
        {
            form.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        }

        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts the real permissions form of a set, with the boxes as the page shows them except the given changes.</summary>
    public static async Task<HttpResponseMessage> TogglePermissionAsync(this HttpClient adminClient, int setId, Permission permission, bool on)
    {
        var formPage = $"/settings/permission-sets/{setId}";
        var page = await adminClient.GetStringAsync(formPage);
        var ticked = CheckedPermission().Matches(page)
            .Where(m => m.Groups[2].Success)
            .Select(m => Enum.Parse<Permission>(m.Groups[1].Value))
            .ToHashSet();
        CheckedPermission().Matches(page).Should().HaveCount(Enum.GetValues<Permission>().Length, "the form has a box for every permission");
        if (on)
        {
            ticked.Add(permission);
        }
        else
        {
            ticked.Remove(permission);
        }

        return await adminClient.PostFieldsAsync(
            $"{formPage}?handler=Permissions",
            ticked.Select(p => new KeyValuePair<string, string>("Granted", p.ToString())),
            formPage);
    }

    public static Task<List<PermissionAuditEntry>> AuditAsync(this DealToLeadApp app) =>
        app.WithDbAsync(db => db.PermissionAudit.AsNoTracking().OrderBy(e => e.Id).ToListAsync());

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<input type=\"checkbox\" id=\"[^\"]+\" name=\"Granted\" value=\"(\\w+)\"( checked=\"checked\")?")]
    private static partial Regex CheckedPermission();
}
