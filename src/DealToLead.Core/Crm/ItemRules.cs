using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>Rules shared by activities, notes and emails: finding one to change, and what they are linked to.</summary>
public static class ItemRules
{
    /// <summary>The item, tracked, when <paramref name="actor"/> may change it; otherwise why not ("not found" when they may not see it).</summary>
    public static async Task<(T? Item, CommandError? Refusal)> FindEditableAsync<T>(CrmDbContext db, UserAccess actor, int id, string what, CancellationToken cancellationToken)
        where T : class, IDealOrLeadItem
    {
        var item = await db.Set<T>().FindAsync([id], cancellationToken);
        if (item is null)
        {
            return (null, CommandError.NotFound(what));
        }

        return await RecordAccess.CheckItemAsync(db, actor, item, what, cancellationToken) is { } refusal ? (null, refusal) : (item, null);
    }

    public static async Task<CommandResult<T>> DeleteAsync<T>(CrmDbContext db, UserAccess actor, int id, string what, CancellationToken cancellationToken)
        where T : class, IDealOrLeadItem
    {
        var (item, refusal) = await FindEditableAsync<T>(db, actor, id, what, cancellationToken);
        if (item is null)
        {
            return refusal!;
        }

        db.Remove(item);
        await db.SaveChangesAsync(cancellationToken);
        return item;
    }

    public static async Task<(int? PersonId, int? OrganizationId)> OfParentAsync(CrmDbContext db, ItemParent parent, CancellationToken cancellationToken) => parent switch
    {
        { DealId: { } dealId } => await db.Deals.IgnoreQueryFilters().Where(d => d.Id == dealId).Select(d => new ValueTuple<int?, int?>(d.PersonId, d.OrganizationId)).FirstOrDefaultAsync(cancellationToken),
        { LeadId: { } leadId } => await db.Leads.Where(l => l.Id == leadId).Select(l => new ValueTuple<int?, int?>(l.PersonId, l.OrganizationId)).FirstOrDefaultAsync(cancellationToken),
        _ => (null, null),
    };

    public static async Task<CommandError?> CheckAsync(CrmDbContext db, int? personId, int? organizationId, CancellationToken cancellationToken)
    {
        if (personId is { } p && !await db.Persons.AnyAsync(x => x.Id == p, cancellationToken))
        {
            return CommandError.Invalid("The person does not exist.");
        }

        return organizationId is { } o && !await db.Organizations.AnyAsync(x => x.Id == o, cancellationToken)
            ? CommandError.Invalid("The organization does not exist.")
            : null;
    }

    public static CommandError? RefuseBoth(ItemParent parent) => parent is { DealId: not null, LeadId: not null }
        ? CommandError.Invalid("An item belongs to a deal or to a lead, not both: give deal_id or lead_id.")
        : null;

    /// <summary>
    /// An item moves between deals, or between leads, when the user may edit both; it never belongs to a deal and a
    /// lead at once, and it never crosses between a deal and a lead by hand: that is what conversions do, and undo
    /// relies on knowing which items a conversion moved.
    /// </summary>
    public static async Task<CommandError?> RefuseMoveAsync(CrmDbContext db, UserAccess actor, ItemParent from, ItemParent to, CancellationToken cancellationToken)
    {
        if (RefuseBoth(to) is { } both)
        {
            return both;
        }

        if ((from.LeadId is not null && to.DealId is not null) || (from.DealId is not null && to.LeadId is not null))
        {
            return CommandError.Invalid(from.LeadId is not null
                ? "This item belongs to a lead; it cannot be moved to a deal. Convert the lead to a deal to take its items along."
                : "This item belongs to a deal; it cannot be moved to a lead. Convert the deal to a lead to take its items along.");
        }

        return await RecordAccess.CheckParentAsync(db, actor, to, toEdit: true, cancellationToken);
    }
}
