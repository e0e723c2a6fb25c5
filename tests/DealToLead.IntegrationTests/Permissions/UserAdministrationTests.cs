using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

public partial class UserAdministrationTests(DealToLeadApp app) : AppTest(app)
{
    private static readonly DemoUser Newcomer = new("nina@dealtolead.local", "Nina Newcomer", UserRole.RegularUser, "n/a");

    [Fact]
    public async Task Creating_a_regular_user_puts_them_in_the_default_set_and_they_can_sign_in()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var response = await admin.PostFormAsync("/settings/users/new", new Dictionary<string, string>
        {
            ["Input.Name"] = Newcomer.DisplayName,
            ["Input.Email"] = Newcomer.Email,
            ["Input.Role"] = "RegularUser",
            ["Input.Password"] = "Nina-password-1",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var user = await App.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Email == Newcomer.Email));
        user.PermissionSetId.Should().Be(PermissionSet.RegularUserDefaultId);
        user.Role.Should().Be(UserRole.RegularUser);
        user.IsActive.Should().BeTrue();
        (await App.MayConvertAsync(Newcomer)).Should().BeTrue("the built-in set allows converting");
        (await App.AuditAsync()).Should().ContainSingle(e => e.TargetUserId == user.Id && e.Change.Contains("Created Nina Newcomer"));
        await App.SignInAsync(Newcomer, "Nina-password-1");
    }

    [Fact]
    public async Task Creating_a_user_without_a_password_gives_a_set_password_link_that_works_once()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var response = await admin.PostFormAsync("/settings/users/new", new Dictionary<string, string>
        {
            ["Input.Name"] = Newcomer.DisplayName,
            ["Input.Email"] = Newcomer.Email,
            ["Input.Role"] = "RegularUser",
            ["Input.PermissionSetId"] = "1",
        });
        var userPage = await admin.GetStringAsync(response.Headers.Location!.ToString());
        var link = WebUtility.HtmlDecode(SetPasswordLink().Match(userPage).Groups[1].Value);
        link.Should().StartWith("http://localhost/account/set-password?");

        var anonymous = App.ApiClient(token: null);
        var fields = new Dictionary<string, string> { ["Input.Password"] = "Nina-chosen-pw1", ["Input.ConfirmPassword"] = "Nina-chosen-pw1" };
        var set = await anonymous.PostFormAsync(link, fields, formPage: link);

        set.StatusCode.Should().Be(HttpStatusCode.Redirect);
        set.Headers.Location!.ToString().Should().Be("/login");
        await App.SignInAsync(Newcomer, "Nina-chosen-pw1");
        var again = await anonymous.PostFormAsync(link, fields, formPage: link);
        (await again.Content.ReadAsStringAsync()).Should().Contain("not valid or has expired");
    }

    [Fact]
    public async Task A_new_user_with_a_taken_email_is_refused_with_a_message()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var response = await admin.PostFormAsync("/settings/users/new", new Dictionary<string, string>
        {
            ["Input.Name"] = "Second Rep",
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Role"] = "RegularUser",
            ["Input.Password"] = "Another-password-1",
        });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("is already taken");
        (await App.AuditAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_deactivated_users_token_gets_401_and_their_cookie_stops_working_and_their_data_stays()
    {
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var dealId = await App.CreateDealAsync(DemoUsers.Rep);
        (await rep.GetAsync("/settings")).StatusCode.Should().Be(HttpStatusCode.OK);
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var repId = await App.UserIdAsync(DemoUsers.Rep);

        await admin.PostFormAsync($"/settings/users/{repId}?handler=Deactivate", new Dictionary<string, string>(), formPage: $"/settings/users/{repId}");

        (await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/users/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var page = await rep.GetAsync("/settings");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().Should().Contain("/login");
        var signIn = await App.ApiClient(token: null).PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Password"] = DemoUsers.Password,
        });
        (await signIn.Content.ReadAsStringAsync()).Should().Contain("deactivated");
        (await App.WithDbAsync(db => db.Deals.AnyAsync(d => d.Id == dealId && d.OwnerId == repId))).Should().BeTrue();
        (await App.AuditAsync()).Should().ContainSingle(e => e.TargetUserId == repId && e.Change == "Deactivated Ruben Rep");

        await admin.PostFormAsync($"/settings/users/{repId}?handler=Reactivate", new Dictionary<string, string>(), formPage: $"/settings/users/{repId}");

        (await App.ApiClient(DemoUsers.Rep).GetAsync("/api/v1/users/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        await App.SignInAsync(DemoUsers.Rep);
    }

    [Fact]
    public async Task Changing_role_and_set_writes_audit_entries_and_admins_leave_their_set()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var adminId = await App.UserIdAsync(DemoUsers.Admin);
        var restrictedId = await App.UserIdAsync(DemoUsers.Restricted);

        await admin.PostFormAsync($"/settings/users/{restrictedId}?handler=Access", new Dictionary<string, string> { ["Role"] = "RegularUser", ["PermissionSetId"] = "1" }, formPage: $"/settings/users/{restrictedId}");
        (await App.MayConvertAsync(DemoUsers.Restricted)).Should().BeTrue();

        await admin.PostFormAsync($"/settings/users/{restrictedId}?handler=Access", new Dictionary<string, string> { ["Role"] = "GlobalAdmin", ["PermissionSetId"] = "1" }, formPage: $"/settings/users/{restrictedId}");

        var access = await App.AccessAsync(DemoUsers.Restricted);
        access.IsGlobalAdmin.Should().BeTrue();
        (await App.WithDbAsync(db => db.Users.Where(u => u.Id == restrictedId).Select(u => u.PermissionSetId).SingleAsync())).Should().BeNull();
        var audit = await App.AuditAsync();
        audit.Select(e => e.Change).Should().Equal(
            "Assigned Rita Restricted to \"Regular user (default)\"",
            "Made Rita Restricted a global admin (every permission)");
        audit.Should().OnlyContain(e => e.ChangedById == adminId && e.TargetUserId == restrictedId);
        (await admin.GetStringAsync("/settings/users")).Should().Contain("Made Rita Restricted a global admin");
    }

    [GeneratedRegex("data-testid=\"set-password-link\">([^<]+)<")]
    private static partial Regex SetPasswordLink();
}
