using System.Globalization;
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
    /// Without a <paramref name="countLimit"/> (a search, docs/decisions/0029) nothing is counted beyond the page.
    /// Sorted by creation, a page reached by Next or Previous seeks from the neighbouring page's edge instead of
    /// skipping an offset, so page 500 costs what page 1 does (docs/decisions/0024).
    /// With <paramref name="plainFilter"/> (a view filtered only by archive state and source) and sorted by creation, the
    /// counted statement runs on its generic plan, which for that shape is the custom plans' own (docs/decisions/0030).
    /// </summary>
    public static async Task<LeadInboxPage> LoadAsync(CrmDbContext db, IQueryable<Lead> filtered, bool plainFilter, LeadSort sort,
        bool descending, int pageNumber, int pageSize, int? countLimit, LeadInboxSeek? seek, CancellationToken cancellationToken)
    {
        pageNumber = Math.Clamp(pageNumber, 1, int.MaxValue / pageSize);
        var genericPlan = plainFilter && sort == LeadSort.Created;
        if (seek is not null && sort == LeadSort.Created && pageNumber > 1)
        {
            // Within the counted pages the page says the same count as when it is opened by its number.
            var seekOffset = (pageNumber - 1) * pageSize;
            var (soughtIds, more, soughtCount) = await SeekAsync(filtered, seek, descending, pageSize, seekOffset < countLimit ? countLimit : null, genericPlan, cancellationToken);
            if (seek.Backward && !more)
            {
                // Fewer leads lie before the position than a page holds, so this is the first page.
                pageNumber = 1;
            }
            else if (soughtIds.Count > 0)
            {
                var (seekTotal, seekLowerBound) = ShownTotal(soughtCount, countLimit, seekOffset, soughtIds.Count, hasMore: more || seek.Backward);
                return await PageAsync(db, soughtIds, pageNumber, seekTotal, seekLowerBound, cancellationToken);
            }

            // Nothing lies past the position any more (those leads were converted, archived or deleted): the page
            // number decides, as it does for a typed one.
        }

        var offset = (pageNumber - 1) * pageSize;
        var pageOfIds = LeadListFilter.Sort(filtered, db.Activities, sort, descending).Skip(offset).Take(pageSize + 1);
        var (ids, counted) = await IdsAsync(pageOfIds, filtered, offset < countLimit ? countLimit : null, genericPlan, cancellationToken);

        if (ids.Count == 0)
        {
            if (offset == 0)
            {
                return new LeadInboxPage([], 1, 0, false);
            }

            // Past the last page (a stale link or a typed URL): every matching lead lies before this offset.
            var total = await filtered.Take(offset).CountAsync(cancellationToken);
            var lastPage = Math.Max(1, (total + pageSize - 1) / pageSize);
            return await LoadAsync(db, filtered, plainFilter, sort, descending, lastPage, pageSize, countLimit, null, cancellationToken);
        }

        var hasMore = ids.Count > pageSize;
        if (hasMore)
        {
            ids.RemoveAt(pageSize);
        }

        var (shownTotal, lowerBound) = ShownTotal(counted, countLimit, offset, ids.Count, hasMore);
        return await PageAsync(db, ids, pageNumber, shownTotal, lowerBound, cancellationToken);
    }

    /// <summary>What the page says of the total: the capped count where there is one, else at least up to this page.</summary>
    private static (int Total, bool LowerBound) ShownTotal(int? counted, int? countLimit, int offset, int shown, bool hasMore)
    {
        var (total, lowerBound) = counted switch
        {
            { } count when countLimit is { } limit && count > limit => (limit, true),
            { } count => (count, false),
            null => (offset + shown, hasMore),
        };
        return (Math.Max(total, offset + shown), lowerBound);
    }

    /// <summary>The page's ids, with the capped count in the same statement when <paramref name="countLimit"/> is given.</summary>
    private static async Task<(List<Guid> Ids, int? Counted)> IdsAsync(IQueryable<Lead> pageOfIds, IQueryable<Lead> filtered, int? countLimit, bool genericPlan,
        CancellationToken cancellationToken)
    {
        if (countLimit is not { } limit)
        {
            return (await pageOfIds.Select(l => l.Id).ToListAsync(cancellationToken), null);
        }

        // A local, not "limit + 1" in the lambda: EF compiled that sum into a new delegate on every page (docs/decisions/0031).
        var countUpTo = limit + 1;
        var idsWithCount = pageOfIds.Select(l => new { l.Id, Counted = filtered.Take(countUpTo).Count() });
        var rows = await (genericPlan ? idsWithCount.TagWith(GenericPlanInterceptor.Tag) : idsWithCount).ToListAsync(cancellationToken);
        return (rows.Select(r => r.Id).ToList(), rows.FirstOrDefault()?.Counted);
    }

    /// <summary>
    /// The ids of the page next to the seek's position, in the list's order, read as one range of the
    /// (is_archived, source, created_at, id) index; and whether more leads lie beyond them in the seek's direction.
    /// </summary>
    private static async Task<(List<Guid> Ids, bool More, int? Counted)> SeekAsync(IQueryable<Lead> filtered, LeadInboxSeek seek, bool descending, int pageSize,
        int? countLimit, bool genericPlan, CancellationToken cancellationToken)
    {
        var (createdAt, id) = seek.Position;
        var readDescending = descending != seek.Backward;
        var beyond = readDescending
            ? filtered.Where(l => EF.Functions.LessThan(ValueTuple.Create(l.CreatedAt, l.Id), ValueTuple.Create(createdAt, id)))
                .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            : filtered.Where(l => EF.Functions.GreaterThan(ValueTuple.Create(l.CreatedAt, l.Id), ValueTuple.Create(createdAt, id)))
                .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id);
        var (ids, counted) = await IdsAsync(beyond.Take(pageSize + 1), filtered, countLimit, genericPlan, cancellationToken);

        var more = ids.Count > pageSize;
        if (more)
        {
            ids.RemoveAt(pageSize);
        }

        if (seek.Backward)
        {
            ids.Reverse();
        }

        return (ids, more, counted);
    }

    private static async Task<LeadInboxPage> PageAsync(CrmDbContext db, List<Guid> ids, int pageNumber, int total, bool totalIsLowerBound, CancellationToken cancellationToken)
    {
        var rows = await LeadListFilter.PageRowsAsync(db, ids.ToArray(), cancellationToken);
        return new LeadInboxPage(rows, pageNumber, total, totalIsLowerBound);
    }
}

/// <summary>A page of the inbox asked for by its neighbour's edge: after the last lead of the page before, or before the first of the page after.</summary>
public sealed record LeadInboxSeek(LeadInboxPosition Position, bool Backward);

/// <summary>Where a lead stands in the inbox sorted by creation; written into the Next and Previous links as text.</summary>
public readonly record struct LeadInboxPosition(DateTimeOffset CreatedAt, Guid Id)
{
    public static LeadInboxPosition Of(LeadListRow row) => new(row.CreatedAt, row.Id);

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}.{Id:N}");

    /// <summary>Null for anything <see cref="Format"/> did not write; the page number then decides the page.</summary>
    public static LeadInboxPosition? Parse(string? text)
    {
        var parts = text?.Split('.');
        if (parts is not [var ticksText, var idText]
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(idText, "N", out var id))
        {
            return null;
        }

        return new LeadInboxPosition(new DateTimeOffset(ticks, TimeSpan.Zero), id);
    }
}
