using System.Net;
using System.Text.Json;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

public class SettingsAccessTests(DealToLeadApp app) : AppTest(app)
{
    public static TheoryData<string> AdminPages => new()
    {
        "/settings/users",
        "/settings/users/new",
        "/settings/users/{admin}",
        "/settings/users/{rep}",
        "/settings/permission-sets",
        "/settings/permission-sets/1",
    };

    public static TheoryData<string> AdminHandlers => new()
    {
        "/settings/users/new",
        "/settings/users/{rep}?handler=Access",
        "/settings/users/{admin}?handler=Deactivate",
        "/settings/users/{rep}?handler=Reactivate",
        "/settings/permission-sets?handler=Create",
        "/settings/permission-sets/1?handler=Permissions",
        "/settings/permission-sets/1?handler=Details",
        "/settings/permission-sets/1?handler=Copy",
        "/settings/permission-sets/{restricted-set}?handler=Assign",
        "/settings/permission-sets/{restricted-set}?handler=Delete",
    };

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task A_regular_user_gets_403_on_every_settings_admin_page(string path)
    {
        var rep = await App.SignInAsync(DemoUsers.Rep);

        var response = await rep.GetAsync(await ResolveAsync(path));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task An_admin_opens_every_settings_admin_page(string path)
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var response = await admin.GetAsync(await ResolveAsync(path));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(AdminHandlers))]
    public async Task A_regular_user_gets_403_on_every_settings_admin_handler_and_nothing_changes(string path)
    {
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var before = await SnapshotAsync();

        // A valid antiforgery token from a page the rep may open, so only authorization can refuse the post.
        var response = await rep.PostFormAsync(await ResolveAsync(path), new Dictionary<string, string>
        {
            ["Input.Name"] = "Sneaky",
            ["Input.Email"] = "sneaky@dealtolead.local",
            ["Input.Role"] = "GlobalAdmin",
            ["Role"] = "GlobalAdmin",
            ["Name"] = "Sneaky set",
            ["CopyName"] = "Sneaky copy",
            ["Granted"] = "ManageCustomFields",
            ["UserId"] = repId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Confirm"] = "true",
        }, formPage: "/settings/profile");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await SnapshotAsync()).Should().Be(before);
    }

    [Fact]
    public async Task The_settings_page_links_users_and_permission_sets_for_admins_only()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var rep = await App.SignInAsync(DemoUsers.Rep);

        var adminPage = await admin.GetStringAsync("/settings");
        var repPage = await rep.GetStringAsync("/settings");

        adminPage.Should().Contain("href=\"/settings/users\"").And.Contain("href=\"/settings/permission-sets\"").And.Contain("href=\"/settings/profile\"");
        repPage.Should().NotContain("/settings/users").And.NotContain("/settings/permission-sets").And.Contain("href=\"/settings/profile\"");
    }

    [Theory]
    [InlineData("/api/v1/permissionSets")]
    [InlineData("/api/v1/permissionSets/1")]
    public async Task A_regular_user_gets_403_json_from_the_permission_set_api(string path)
    {
        var response = await App.ApiClient(DemoUsers.Rep).GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("success").GetBoolean().Should().BeFalse();
        body.GetProperty("error").GetString().Should().Contain("permission");
    }

    private async Task<string> ResolveAsync(string path)
    {
        var restrictedSetId = await App.WithDbAsync(db => db.PermissionSets.Where(s => s.Name == DemoUsers.RestrictedSetName).Select(s => s.Id).SingleAsync());
        return path
            .Replace("{admin}", (await App.UserIdAsync(DemoUsers.Admin)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{rep}", (await App.UserIdAsync(DemoUsers.Rep)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{restricted-set}", restrictedSetId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Everything an admin handler could change, as one comparable string.</summary>
    private Task<string> SnapshotAsync() => App.WithDbAsync(async db =>
    {
        var users = await db.Users.OrderBy(u => u.Id).Select(u => $"{u.Id}:{u.Email}:{u.Role}:{u.PermissionSetId}:{u.IsActive}").ToListAsync();
        var sets = await db.PermissionSets.OrderBy(s => s.Id).Select(s => $"{s.Id}:{s.Name}:{s.Description}").ToListAsync();
        var grants = await db.PermissionGrants.OrderBy(g => g.PermissionSetId).ThenBy(g => g.Permission).Select(g => $"{g.PermissionSetId}:{g.Permission}").ToListAsync();
        var audit = await db.PermissionAudit.CountAsync();
        return string.Join("|", users.Concat(sets).Concat(grants).Append(audit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    });
}
