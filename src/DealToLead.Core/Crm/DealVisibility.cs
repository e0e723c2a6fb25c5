using DealToLead.Core.Users;

namespace DealToLead.Core.Crm;

public static class DealVisibility
{
    /// <summary>The deals a user may see: their own, the company-visible ones, or all with "See deals of other users".</summary>
    public static IQueryable<Deal> VisibleTo(this IQueryable<Deal> deals, UserAccess user) =>
        user.Has(Permission.SeeDealsOfOthers)
            ? deals
            : deals.Where(d => d.OwnerId == user.UserId || d.Visibility == Visibility.EntireCompany);
}
