using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;

namespace DealToLead.UnitTests.Rules;

public class UserAccessTests
{
    private static UserAccess Regular(params Permission[] permissions) => new(1, "Rep", "rep@x", UserRole.RegularUser, true, permissions.ToHashSet());

    private static Deal DealOf(int ownerId, Visibility visibility = Visibility.EntireCompany) => new() { Title = "d", OwnerId = ownerId, Visibility = visibility };

    [Fact]
    public void A_global_admin_has_every_permission_without_a_set()
    {
        var admin = new UserAccess(9, "Admin", "a@x", UserRole.GlobalAdmin, true, new HashSet<Permission>());

        Enum.GetValues<Permission>().Should().OnlyContain(p => admin.Has(p));
    }

    [Fact]
    public void A_deactivated_user_has_no_permission_even_if_the_set_grants_it()
    {
        var inactive = Regular(Permission.ConvertDealsToLeads) with { IsActive = false };

        inactive.Has(Permission.ConvertDealsToLeads).Should().BeFalse();
    }

    [Fact]
    public void Private_deals_of_others_are_visible_only_with_see_deals_of_others()
    {
        var privateDeal = DealOf(ownerId: 2, Visibility.OwnerOnly);

        Regular().CanSee(privateDeal).Should().BeFalse();
        Regular(Permission.SeeDealsOfOthers).CanSee(privateDeal).Should().BeTrue();
        Regular().CanSee(DealOf(ownerId: 2)).Should().BeTrue("company-visible deals are seen by everyone");
        Regular().CanSee(DealOf(ownerId: 1, Visibility.OwnerOnly)).Should().BeTrue("owners see their own deals");
    }

    [Fact]
    public void Editing_another_users_deal_needs_the_permission()
    {
        Regular().CanEdit(DealOf(ownerId: 2)).Should().BeFalse();
        Regular(Permission.EditDealsOwnedByOthers).CanEdit(DealOf(ownerId: 2)).Should().BeTrue();
        Regular().CanEdit(DealOf(ownerId: 1)).Should().BeTrue();
    }

    [Fact]
    public void Lead_visibility_follows_the_same_rules()
    {
        var lead = new Lead { Title = "l", OwnerId = 2, Visibility = Visibility.OwnerOnly };

        Regular().CanSee(lead).Should().BeFalse();
        Regular(Permission.SeeDealsOfOthers).CanSee(lead).Should().BeTrue();
    }

    [Fact]
    public void The_default_set_for_regular_users_includes_converting_but_not_managing_custom_fields()
    {
        PermissionSet.RegularUserDefaults.Should().Contain(Permission.ConvertDealsToLeads).And.NotContain(Permission.ManageCustomFields);
    }
}
