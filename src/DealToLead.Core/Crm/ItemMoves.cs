using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>
/// Moving a deal's or lead's activities, notes, emails and files to the other side, as four set-based statements. Undo and
/// Convert to deal use it; the deal-to-lead conversion does the same inside its one SQL statement (ADR 0005).
/// </summary>
public static class ItemMoves
{
    /// <param name="onlyMovedFromDeal">When set, only the items a conversion brought from that deal move (undo).</param>
    public static async Task MoveAsync(CrmDbContext db, ItemParent from, ItemParent to, int? onlyMovedFromDeal, CancellationToken cancellationToken)
    {
        var (dealId, leadId) = (to.DealId, to.LeadId);
        await On(db.Activities, from, onlyMovedFromDeal)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.DealId, dealId).SetProperty(a => a.LeadId, leadId).SetProperty(a => a.MovedFromDealId, (int?)null), cancellationToken);
        await On(db.Notes, from, onlyMovedFromDeal)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.DealId, dealId).SetProperty(n => n.LeadId, leadId).SetProperty(n => n.MovedFromDealId, (int?)null), cancellationToken);
        await On(db.Emails, from, onlyMovedFromDeal)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.DealId, dealId).SetProperty(e => e.LeadId, leadId).SetProperty(e => e.MovedFromDealId, (int?)null), cancellationToken);
        await On(db.Files, from, onlyMovedFromDeal)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.DealId, dealId).SetProperty(f => f.LeadId, leadId).SetProperty(f => f.MovedFromDealId, (int?)null), cancellationToken);
    }

    public static async Task<bool> HoldsAnyAsync(CrmDbContext db, ItemParent parent, CancellationToken cancellationToken) =>
        await On(db.Activities, parent, null).AnyAsync(cancellationToken)
        || await On(db.Notes, parent, null).AnyAsync(cancellationToken)
        || await On(db.Emails, parent, null).AnyAsync(cancellationToken)
        || await On(db.Files, parent, null).AnyAsync(cancellationToken);

    /// <summary>The items that belong to <paramref name="parent"/>.</summary>
    public static IQueryable<T> On<T>(IQueryable<T> items, ItemParent parent, int? onlyMovedFromDeal = null)
        where T : class, IDealOrLeadItem
    {
        var (dealId, leadId) = (parent.DealId, parent.LeadId);
        var on = dealId is not null ? items.Where(i => i.DealId == dealId) : items.Where(i => i.LeadId == leadId);
        return onlyMovedFromDeal is { } movedFrom ? on.Where(i => i.MovedFromDealId == movedFrom) : on;
    }
}
