using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Leads;

/// <summary>
/// One page of the Leads Inbox with its total, which stops counting past a limit (<see cref="TotalIsLowerBound"/>).
/// </summary>
public sealed record LeadInboxPage(IReadOnlyList<LeadListRow> Rows, int PageNumber, int Total, bool TotalIsLowerBound)
{
    /// <summary>
    /// Pages the ids first (deferred join), so that OFFSET skips index entries rather than joined rows, then loads the
    /// rows of those ids. The capped count rides in the same statement as the ids, and is left out on pages past the
    /// limit, where the page itself proves there are more leads than the limit (docs/decisions/0004).
    /// A search's matches are scattered over the table, so it collects up to the limit of them first: when that is all
    /// of them, the page is sorted from those ids alone, rather than from a walk of the sorted index that passes
    /// hundreds of rows for each match (docs/decisions/0023).
    /// </summary>
    public static async Task<LeadInboxPage> LoadAsync(CrmDbContext db, IQueryable<Lead> filtered, bool scattered, LeadSort sort,
        bool descending, int pageNumber, int pageSize, int countLimit, CancellationToken cancellationToken)
    {
        pageNumber = Math.Clamp(pageNumber, 1, int.MaxValue / pageSize);
        var offset = (pageNumber - 1) * pageSize;
        int? counted = null;
        var sortable = filtered;
        if (scattered)
        {
            var matches = await filtered.Select(l => l.Id).Take(countLimit + 1).ToListAsync(cancellationToken);
            counted = matches.Count;
            if (matches.Count == 0)
            {
                return new LeadInboxPage([], 1, 0, false);
            }

            if (matches.Count <= countLimit)
            {
                sortable = db.Leads.AsNoTracking().Where(l => matches.Contains(l.Id));
            }
        }

        var pageOfIds = LeadListFilter.Sort(sortable, db.Activities, sort, descending).Skip(offset).Take(pageSize + 1);
        List<Guid> ids;
        if (counted is null && offset < countLimit)
        {
            var idsWithCount = await pageOfIds.Select(l => new { l.Id, Counted = filtered.Take(countLimit + 1).Count() }).ToListAsync(cancellationToken);
            ids = idsWithCount.Select(r => r.Id).ToList();
            counted = idsWithCount.FirstOrDefault()?.Counted;
        }
        else
        {
            ids = await pageOfIds.Select(l => l.Id).ToListAsync(cancellationToken);
        }

        if (ids.Count == 0)
        {
            if (offset == 0)
            {
                return new LeadInboxPage([], 1, 0, false);
            }

            // Past the last page (a stale link or a typed URL): every matching lead lies before this offset.
            var total = await sortable.Take(offset).CountAsync(cancellationToken);
            var lastPage = Math.Max(1, (total + pageSize - 1) / pageSize);
            return await LoadAsync(db, filtered, scattered, sort, descending, lastPage, pageSize, countLimit, cancellationToken);
        }

        var hasMore = ids.Count > pageSize;
        if (hasMore)
        {
            ids.RemoveAt(pageSize);
        }

        var position = ids.Select((id, index) => (id, index)).ToDictionary(p => p.id, p => p.index);
        var pageIds = ids.ToArray();
        var rows = (await LeadListFilter.RowsByIds(db, pageIds).ToListAsync(cancellationToken)).OrderBy(r => position[r.Id]).ToList();
        var nextActivities = await LeadListFilter.NextActivitiesAsync(db, pageIds, cancellationToken);
        foreach (var row in rows)
        {
            row.NextActivity = nextActivities.GetValueOrDefault(row.Id);
        }

        var (shownTotal, lowerBound) = counted switch
        {
            { } count when count > countLimit => (countLimit, true),
            { } count => (count, false),
            null when hasMore => (offset + pageSize, true),
            null => (offset + ids.Count, false),
        };
        return new LeadInboxPage(rows, pageNumber, Math.Max(shownTotal, offset + rows.Count), lowerBound);
    }
}
