using System.Net;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

public class PermissionSetTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task Toggling_a_permission_writes_an_audit_entry_shown_on_the_set_page()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var adminId = await App.UserIdAsync(DemoUsers.Admin);

        var response = await admin.TogglePermissionAsync(PermissionSet.RegularUserDefaultId, Permission.ManageCustomFields, on: true);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var entry = (await App.AuditAsync()).Should().ContainSingle().Subject;
        entry.ChangedById.Should().Be(adminId);
        entry.PermissionSetId.Should().Be(PermissionSet.RegularUserDefaultId);
        entry.Change.Should().Be("Turned on \"Manage custom fields\" in \"Regular user (default)\"");
        entry.At.Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        var page = await admin.GetStringAsync("/settings/permission-sets/1");
        page.Should().Contain("Turned on &quot;Manage custom fields&quot;").And.Contain(DemoUsers.Admin.DisplayName);
    }

    [Fact]
    public async Task The_set_page_states_what_each_permission_allows_and_that_admins_have_all()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        var page = WebUtility.HtmlDecode(await admin.GetStringAsync("/settings/permission-sets/1"));

        foreach (var permission in Enum.GetValues<Permission>())
        {
            page.Should().Contain(permission.Title()).And.Contain(permission.Explanation());
        }

        page.Should().Contain("Global admins have every permission");
    }

    [Fact]
    public async Task An_admin_revokes_conversion_for_the_default_set_and_the_reps_next_request_is_refused_then_granting_restores_it()
    {
        var rep = await App.SignInAsync(DemoUsers.Rep);
        var admin = await App.SignInAsync(DemoUsers.Admin);
        (await App.MayConvertAsync(DemoUsers.Rep)).Should().BeTrue();

        await admin.TogglePermissionAsync(PermissionSet.RegularUserDefaultId, Permission.ConvertDealsToLeads, on: false);

        (await App.AccessAsync(DemoUsers.Rep)).Has(Permission.ConvertDealsToLeads).Should().BeFalse();
        (await App.MayConvertAsync(DemoUsers.Rep)).Should().BeFalse();
        (await App.AccessAsync(DemoUsers.Rep)).Has(Permission.DeleteDeals).Should().BeTrue("only the unticked permission is revoked");
        (await rep.GetAsync("/settings")).StatusCode.Should().Be(HttpStatusCode.OK, "the rep stays signed in");

        await admin.TogglePermissionAsync(PermissionSet.RegularUserDefaultId, Permission.ConvertDealsToLeads, on: true);

        (await App.MayConvertAsync(DemoUsers.Rep)).Should().BeTrue();
        (await App.AuditAsync()).Select(e => e.Change).Should().Equal(
            "Turned off \"Convert deals to leads\" in \"Regular user (default)\"",
            "Turned on \"Convert deals to leads\" in \"Regular user (default)\"");
    }

    [Fact]
    public async Task Revoking_conversion_in_the_settings_page_makes_the_reps_next_api_conversion_403_and_granting_it_back_allows_it()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var api = App.ApiClient(DemoUsers.Rep);
        var first = await App.CreateDealAsync(DemoUsers.Rep, "First");
        var second = await App.CreateDealAsync(DemoUsers.Rep, "Second");

        await admin.TogglePermissionAsync(PermissionSet.RegularUserDefaultId, Permission.ConvertDealsToLeads, on: false);
        var refused = await api.PostAsync($"/api/v2/deals/{first}/convert/lead", null);

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await App.WithDbAsync(db => db.Leads.AnyAsync(l => l.OriginDealId == first))).Should().BeFalse();

        await admin.TogglePermissionAsync(PermissionSet.RegularUserDefaultId, Permission.ConvertDealsToLeads, on: true);
        var allowed = await api.PostAsync($"/api/v2/deals/{second}/convert/lead", null);

        allowed.StatusCode.Should().NotBe(HttpStatusCode.Forbidden);
        ((int)allowed.StatusCode).Should().BeLessThan(400);
    }

    [Fact]
    public async Task Creating_copying_and_assigning_through_the_pages()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var managerId = await App.UserIdAsync(DemoUsers.Manager);

        var created = await admin.PostFormAsync("/settings/permission-sets?handler=Create", new Dictionary<string, string>
        {
            ["Name"] = "Interns",
            ["Description"] = "Summer interns",
        }, formPage: "/settings/permission-sets");
        var internsId = int.Parse(created.Headers.Location!.ToString().Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        await admin.TogglePermissionAsync(internsId, Permission.DeleteDeals, on: false);
        var copied = await admin.PostFormAsync($"/settings/permission-sets/{internsId}?handler=Copy", new Dictionary<string, string>
        {
            ["CopyName"] = "Interns 2",
        }, formPage: $"/settings/permission-sets/{internsId}");
        var copyId = int.Parse(copied.Headers.Location!.ToString().Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        await admin.PostFormAsync($"/settings/permission-sets/{copyId}?handler=Assign", new Dictionary<string, string>
        {
            ["UserId"] = managerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, formPage: $"/settings/permission-sets/{copyId}");

        var sets = await App.WithDbAsync(db => db.PermissionSets.AsNoTracking().Include(s => s.Grants).Include(s => s.Users).ToDictionaryAsync(s => s.Id));
        sets[internsId].Description.Should().Be("Summer interns");
        sets[copyId].Grants.Select(g => g.Permission).Should().BeEquivalentTo(sets[internsId].Grants.Select(g => g.Permission));
        sets[copyId].Allows(Permission.DeleteDeals).Should().BeFalse();
        sets[copyId].Users.Select(u => u.Id).Should().Equal(managerId);
        (await App.AccessAsync(DemoUsers.Manager)).Has(Permission.DeleteDeals).Should().BeFalse();
        (await App.AuditAsync()).Select(e => e.Change).Should().Equal(
            "Created permission set \"Interns\" with the default permissions",
            "Turned off \"Delete deals\" in \"Interns\"",
            "Created permission set \"Interns 2\" as a copy of \"Interns\"",
            "Assigned Mona Manager to \"Interns 2\"");
        (await admin.GetStringAsync("/settings/permission-sets")).Should().Contain("Interns 2").And.Contain(DemoUsers.Manager.DisplayName);
    }

    [Fact]
    public async Task Deleting_a_custom_set_moves_its_users_to_the_default_set()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);
        var restrictedSetId = await App.WithDbAsync(db => db.PermissionSets.Where(s => s.Name == DemoUsers.RestrictedSetName).Select(s => s.Id).SingleAsync());

        var response = await admin.PostFormAsync($"/settings/permission-sets/{restrictedSetId}?handler=Delete", new Dictionary<string, string> { ["Confirm"] = "true" }, formPage: $"/settings/permission-sets/{restrictedSetId}");

        response.Headers.Location!.ToString().Should().Be("/settings/permission-sets");
        (await App.WithDbAsync(db => db.PermissionSets.AnyAsync(s => s.Id == restrictedSetId))).Should().BeFalse();
        (await App.MayConvertAsync(DemoUsers.Restricted)).Should().BeTrue("Rita now has the default set");
        (await App.AuditAsync()).Select(e => e.Change).Should().Equal(
            "Moved to \"Regular user (default)\" because \"Restricted\" was deleted",
            "Deleted permission set \"Restricted\"");
    }

    [Fact]
    public async Task The_built_in_set_cannot_be_deleted_or_renamed_but_its_description_can_change()
    {
        var admin = await App.SignInAsync(DemoUsers.Admin);

        await admin.PostFormAsync("/settings/permission-sets/1?handler=Delete", new Dictionary<string, string> { ["Confirm"] = "true" }, formPage: "/settings/permission-sets/1");
        var deletePage = await admin.GetStringAsync("/settings/permission-sets/1");
        await admin.PostFormAsync("/settings/permission-sets/1?handler=Details", new Dictionary<string, string> { ["Name"] = "Everyone", ["Description"] = "x" }, formPage: "/settings/permission-sets/1");
        var renamePage = await admin.GetStringAsync("/settings/permission-sets/1");
        await admin.PostFormAsync("/settings/permission-sets/1?handler=Details", new Dictionary<string, string> { ["Name"] = PermissionSet.RegularUserDefaultName, ["Description"] = "For all reps" }, formPage: "/settings/permission-sets/1");

        deletePage.Should().Contain("cannot be deleted");
        renamePage.Should().Contain("cannot be renamed");
        var set = await App.WithDbAsync(db => db.PermissionSets.SingleAsync(s => s.Id == 1));
        set.Name.Should().Be(PermissionSet.RegularUserDefaultName);
        set.Description.Should().Be("For all reps");
    }
}
