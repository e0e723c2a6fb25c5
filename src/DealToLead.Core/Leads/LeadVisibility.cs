using DealToLead.Core.Crm;
using DealToLead.Core.Users;

namespace DealToLead.Core.Leads;

public static class LeadVisibility
{
    /// <summary>The leads a user may see: their own, the company-visible ones, or all with "See deals of other users".</summary>
    public static IQueryable<Lead> VisibleTo(this IQueryable<Lead> leads, UserAccess user) =>
        user.Has(Permission.SeeDealsOfOthers)
            ? leads
            : leads.Where(l => l.OwnerId == user.UserId || l.Visibility == Visibility.EntireCompany);

    /// <summary>The visible leads the user may also change (fields, labels, archive, delete): as for deals.</summary>
    public static IQueryable<Lead> EditableBy(this IQueryable<Lead> leads, UserAccess user) =>
        user.Has(Permission.EditDealsOwnedByOthers)
            ? leads.VisibleTo(user)
            : leads.VisibleTo(user).Where(l => l.OwnerId == user.UserId);

    /// <summary>Converting a lead and undoing a conversion are for the lead's owner and admins only.</summary>
    public static bool CanConvert(this UserAccess user, Lead lead) => user.IsActive && (lead.OwnerId == user.UserId || user.IsGlobalAdmin);

    public static bool CanUndoConversion(this Lead lead, DateTimeOffset now) =>
        lead.Source == LeadSource.Deal && lead.OriginDealId is not null && now - lead.CreatedAt < Deal.RestoreWindow;
}
