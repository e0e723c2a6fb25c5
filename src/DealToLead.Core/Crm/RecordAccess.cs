using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>A deal or a lead: something with an owner and a visibility.</summary>
public interface IOwnedRecord
{
    int OwnerId { get; }
    Visibility Visibility { get; }
}

/// <summary>
/// The one answer to "may this user see / edit this deal, lead or item". A deal or lead is seen by its owner, by
/// everyone when it is visible to the entire company, and by holders of "See deals of other users"; it is edited by
/// whoever sees it and owns it or holds "Edit deals owned by other users". An activity, note or email is exactly as
/// visible and as editable as the deal or lead it belongs to; one that belongs to neither (a note on a person) is
/// company-wide, like the contacts. Every query of items goes through <see cref="VisibleTo{T}"/>.
/// </summary>
public static class RecordAccess
{
    public static bool CanSee(this UserAccess user, IOwnedRecord record) =>
        user.IsActive && (record.OwnerId == user.UserId || record.Visibility == Visibility.EntireCompany || user.Has(Permission.SeeDealsOfOthers));

    public static bool CanEdit(this UserAccess user, IOwnedRecord record) =>
        user.CanSee(record) && (record.OwnerId == user.UserId || user.Has(Permission.EditDealsOwnedByOthers));

    /// <summary>Converting a lead to a deal and undoing its conversion are for the lead's owner and admins only.</summary>
    public static bool CanConvert(this UserAccess user, Lead lead) => user.IsActive && (lead.OwnerId == user.UserId || user.IsGlobalAdmin);

    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> records, UserAccess user)
        where T : class, IOwnedRecord
    {
        if (user.Has(Permission.SeeDealsOfOthers))
        {
            return records;
        }

        var userId = user.UserId;
        return records.Where(r => r.OwnerId == userId || r.Visibility == Visibility.EntireCompany);
    }

    public static IQueryable<T> EditableBy<T>(this IQueryable<T> records, UserAccess user)
        where T : class, IOwnedRecord
    {
        var userId = user.UserId;
        return user.Has(Permission.EditDealsOwnedByOthers) ? records.VisibleTo(user) : records.VisibleTo(user).Where(r => r.OwnerId == userId);
    }

    /// <summary>The items whose deal (deleted ones included: their page shows them) or lead the user may see.</summary>
    public static IQueryable<T> VisibleTo<T>(this IQueryable<T> items, CrmDbContext db, UserAccess user)
        where T : class, IDealOrLeadItem
    {
        if (user.Has(Permission.SeeDealsOfOthers))
        {
            return items;
        }

        var deals = db.Deals.IgnoreQueryFilters().VisibleTo(user);
        var leads = db.Leads.VisibleTo(user);
        return items.Where(i => (i.DealId == null && i.LeadId == null)
            || (i.DealId != null && deals.Any(d => d.Id == i.DealId))
            || (i.LeadId != null && leads.Any(l => l.Id == i.LeadId)));
    }

    /// <summary>
    /// Null when the user may see (or, with <paramref name="toEdit"/>, change) what belongs to this deal or lead;
    /// otherwise why not. A deal or lead the user may not see is "not found", so its existence does not leak.
    /// </summary>
    public static async Task<CommandError?> CheckParentAsync(CrmDbContext db, UserAccess user, ItemParent parent, bool toEdit, CancellationToken cancellationToken)
    {
        switch (parent)
        {
            case { DealId: { } dealId }:
                var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
                if (deal is null || !user.CanSee(deal))
                {
                    return CommandError.NotFound("Deal");
                }

                if (!toEdit)
                {
                    return null;
                }

                if (deal.IsDeleted)
                {
                    return CommandError.Conflict("The deal is deleted. Restore it to change what belongs to it.");
                }

                return user.CanEdit(deal) ? null : CommandError.Forbidden("You may not edit this deal: it is owned by another user.");
            case { LeadId: { } leadId }:
                var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, cancellationToken);
                if (lead is null || !user.CanSee(lead))
                {
                    return CommandError.NotFound("Lead");
                }

                return !toEdit || user.CanEdit(lead) ? null : CommandError.Forbidden("You may not edit this lead: it is owned by another user.");
            default:
                return null;
        }
    }

    /// <summary>Null when the user may change this item; "not found" (named <paramref name="what"/>) when they may not see it.</summary>
    public static async Task<CommandError?> CheckItemAsync(CrmDbContext db, UserAccess user, IDealOrLeadItem item, string what, CancellationToken cancellationToken)
    {
        var refusal = await CheckParentAsync(db, user, ItemParent.Of(item), toEdit: true, cancellationToken);
        return refusal?.Status == CommandStatus.NotFound ? CommandError.NotFound(what) : refusal;
    }
}

/// <summary>What an activity, note or email belongs to: a deal, a lead, or (contact notes) neither; never both.</summary>
public readonly record struct ItemParent(int? DealId, Guid? LeadId)
{
    public static ItemParent Deal(int dealId) => new(dealId, null);

    public static ItemParent Lead(Guid leadId) => new(null, leadId);

    public static ItemParent Of(IDealOrLeadItem item) => new(item.DealId, item.LeadId);
}
