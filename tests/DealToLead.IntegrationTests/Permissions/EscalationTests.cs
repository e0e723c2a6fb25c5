using System.Net;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

public class EscalationTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_rep_cannot_make_themself_admin_by_posting_the_user_form()
    {
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var repId = await App.UserIdAsync(DemoUsers.Rep);

        var response = await rep.PostFormAsync($"/settings/users/{repId}?handler=Access", new Dictionary<string, string>
        {
            ["Role"] = "GlobalAdmin",
        }, formPage: "/settings/profile");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.AccessAsync(DemoUsers.Rep)).IsGlobalAdmin.Should().BeFalse();
    }

    [Fact]
    public async Task Forged_role_and_set_fields_on_a_form_the_user_may_post_change_nothing()
    {
        var restricted = await App.SignInAsync(DemoUsers.Restricted);
        var restrictedId = await App.UserIdAsync(DemoUsers.Restricted);

        var response = await restricted.PostFormAsync("/settings/profile?handler=RegenerateToken", new Dictionary<string, string>
        {
            ["Role"] = "GlobalAdmin",
            ["Input.Role"] = "GlobalAdmin",
            ["PermissionSetId"] = "1",
            ["Input.PermissionSetId"] = "1",
            ["Id"] = "1",
            ["UserId"] = restrictedId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, formPage: "/settings/profile");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var user = await App.WithDbAsync(db => db.Users.Include(u => u.PermissionSet).SingleAsync(u => u.Id == restrictedId));
        user.Role.Should().Be(UserRole.RegularUser);
        user.PermissionSet!.Name.Should().Be(DemoUsers.RestrictedSetName);
        (await App.MayConvertAsync(DemoUsers.Restricted)).Should().BeFalse();
    }

    [Fact]
    public async Task Forged_fields_on_the_admins_user_form_change_only_the_user_in_the_route()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var restrictedId = await App.UserIdAsync(DemoUsers.Restricted);
        var restrictedSetId = await App.WithDbAsync(db => db.PermissionSets.Where(s => s.Name == DemoUsers.RestrictedSetName).Select(s => s.Id).SingleAsync());

        var response = await admin.PostFormAsync($"/settings/users/{repId}?handler=Access", new Dictionary<string, string>
        {
            ["Role"] = "RegularUser",
            ["PermissionSetId"] = restrictedSetId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Id"] = restrictedId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["UserId"] = restrictedId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["IsActive"] = "false",
        }, formPage: $"/settings/users/{repId}");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var users = await App.WithDbAsync(db => db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id));
        users[repId].PermissionSetId.Should().Be(restrictedSetId);
        users[repId].IsActive.Should().BeTrue();
        users[restrictedId].PermissionSetId.Should().Be(restrictedSetId);
        users[restrictedId].IsActive.Should().BeTrue();
    }

    [Fact]
    public async Task A_forged_permission_value_grants_nothing()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        await admin.PostFieldsAsync("/settings/permission-sets/1?handler=Permissions",
            [new("Granted", "ConvertDealsToLeads"), new("Granted", "999")], "/settings/permission-sets/1");

        var grants = await App.WithDbAsync(db => db.PermissionGrants.Where(g => g.PermissionSetId == 1).Select(g => g.Permission).ToListAsync());
        grants.Should().Equal(Permission.ConvertDealsToLeads);
    }

    [Fact]
    public async Task An_admin_cannot_deactivate_themself()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var adminId = await App.UserIdAsync(DemoUsers.Admin);

        var response = await admin.PostFormAsync($"/settings/users/{adminId}?handler=Deactivate", new Dictionary<string, string>(), formPage: $"/settings/users/{adminId}");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await App.AccessAsync(DemoUsers.Admin)).IsActive.Should().BeTrue();
        (await admin.GetStringAsync($"/settings/users/{adminId}")).Should().Contain("You cannot deactivate yourself.");
    }

    [Fact]
    public async Task The_last_admin_cannot_demote_themself_but_can_once_there_is_another_admin()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var adminId = await App.UserIdAsync(DemoUsers.Admin);
        var demote = new Dictionary<string, string> { ["Role"] = "RegularUser", ["PermissionSetId"] = "1" };

        await admin.PostFormAsync($"/settings/users/{adminId}?handler=Access", demote, formPage: $"/settings/users/{adminId}");

        (await App.AccessAsync(DemoUsers.Admin)).IsGlobalAdmin.Should().BeTrue();
        (await admin.GetStringAsync($"/settings/users/{adminId}")).Should().Contain("last active global admin");

        var managerId = await App.UserIdAsync(DemoUsers.Manager);
        await admin.PostFormAsync($"/settings/users/{managerId}?handler=Access", new Dictionary<string, string> { ["Role"] = "GlobalAdmin" }, formPage: $"/settings/users/{managerId}");
        var response = await admin.PostFormAsync($"/settings/users/{adminId}?handler=Access", demote, formPage: $"/settings/users/{adminId}");

        response.Headers.Location!.ToString().Should().Be("/settings");
        (await App.AccessAsync(DemoUsers.Admin)).IsGlobalAdmin.Should().BeFalse();
        (await App.AccessAsync(DemoUsers.Manager)).IsGlobalAdmin.Should().BeTrue();
        (await admin.GetAsync("/settings/users")).StatusCode.Should().Be(HttpStatusCode.Forbidden, "the change applies on the next request");
    }
}
