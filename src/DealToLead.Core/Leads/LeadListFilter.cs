using System.Linq.Expressions;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Leads;

public enum LeadSort
{
    Title,
    Labels,
    Source,
    Owner,
    Value,
    Person,
    Organization,
    NextActivity,
    ExpectedClose,
    Created,
}

/// <summary>The Leads Inbox filter, bound from the query string so the URL reflects it; the API uses it too.</summary>
public sealed record LeadListFilter
{
    public bool Archived { get; init; }
    public LeadSource? Source { get; init; }
    public int? OwnerId { get; init; }
    public Guid? LabelId { get; init; }
    public int? PersonId { get; init; }
    public int? OrganizationId { get; init; }
    public DateOnly? CreatedFrom { get; init; }
    public DateOnly? CreatedTo { get; init; }
    public string? Search { get; init; }

    /// <summary>True for the inbox as it opens, or narrowed to a source: no owner, label, contact, dates or search.</summary>
    public bool FiltersOnlyArchiveAndSource => OwnerId is null && LabelId is null && PersonId is null && OrganizationId is null
        && CreatedFrom is null && CreatedTo is null && string.IsNullOrWhiteSpace(Search);

    public IQueryable<Lead> Apply(IQueryable<Lead> leads, UserAccess user)
    {
        var query = leads.VisibleTo(user).Where(l => l.IsArchived == Archived);
        if (Source is { } source)
        {
            query = query.Where(l => l.Source == source);
        }

        if (OwnerId is { } ownerId)
        {
            query = query.Where(l => l.OwnerId == ownerId);
        }

        if (LabelId is { } labelId)
        {
            query = query.Where(l => l.LabelIds.Contains(labelId));
        }

        if (PersonId is { } personId)
        {
            query = query.Where(l => l.PersonId == personId);
        }

        if (OrganizationId is { } organizationId)
        {
            query = query.Where(l => l.OrganizationId == organizationId);
        }

        if (CreatedFrom is { } from)
        {
            var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(l => l.CreatedAt >= start);
        }

        if (CreatedTo is { } to)
        {
            var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            query = query.Where(l => l.CreatedAt < end);
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            // Title, person name and emails, organization name, in one trigram-indexed column (docs/decisions/0018).
            var pattern = TextSearch.ContainsPattern(Search);
            query = query.Where(l => EF.Functions.Like(EF.Property<string>(l, TextSearch.Property), EF.Constant(pattern), TextSearch.EscapeCharacter));
        }

        return query;
    }

    /// <summary>Orders by the column, then by id, so that pages never overlap or skip rows when values tie.</summary>
    public static IQueryable<Lead> Sort(IQueryable<Lead> leads, IQueryable<Activity> activities, LeadSort sort, bool descending)
    {
        if (sort == LeadSort.NextActivity)
        {
            return ByNextActivity(leads, activities, descending);
        }

        IOrderedQueryable<Lead> ordered = sort switch
        {
            LeadSort.Title => By(leads, l => l.Title, descending),
            LeadSort.Labels => By(leads, l => l.LabelIds.Count, descending),
            LeadSort.Source => By(leads, l => l.Source, descending),
            LeadSort.Owner => By(leads, l => l.Owner!.DisplayName, descending),
            LeadSort.Value => By(leads, l => l.ValueAmount, descending),
            LeadSort.Person => By(leads, l => l.Person!.Name, descending),
            LeadSort.Organization => By(leads, l => l.Organization!.Name, descending),
            LeadSort.ExpectedClose => By(leads, l => l.ExpectedCloseDate, descending),
            _ => By(leads, l => l.CreatedAt, descending),
        };
        return descending ? ordered.ThenByDescending(l => l.Id) : ordered.ThenBy(l => l.Id);
    }

    // A join on the open activities grouped once, rather than a subquery per lead, which is 50 times slower at 100,000 leads.
    private static IQueryable<Lead> ByNextActivity(IQueryable<Lead> leads, IQueryable<Activity> activities, bool descending)
    {
        var next = activities.Where(a => a.LeadId != null && !a.Done)
            .GroupBy(a => a.LeadId)
            .Select(g => new { LeadId = g.Key, Due = (DateOnly?)g.Min(a => a.DueDate) });
        var joined = from l in leads
                     join n in next on (Guid?)l.Id equals n.LeadId into matches
                     from n in matches.DefaultIfEmpty()
                     select new { Lead = l, Due = n == null ? null : n.Due };
        var ordered = descending ? joined.OrderByDescending(x => x.Due) : joined.OrderBy(x => x.Due);
        return (descending ? ordered.ThenByDescending(x => x.Lead.Id) : ordered.ThenBy(x => x.Lead.Id)).Select(x => x.Lead);
    }

    private static IOrderedQueryable<Lead> By<TKey>(IQueryable<Lead> leads, Expression<Func<Lead, TKey>> key, bool descending) =>
        descending ? leads.OrderByDescending(key) : leads.OrderBy(key);

    /// <summary>
    /// The rows of a page whose ids the filtered, sorted query has already chosen, in that order, each with its next
    /// open activity, in one statement: a LATERAL probe of the (lead_id, done, due_date) index per lead. Written in SQL
    /// because EF makes the next activity of each row a window over every open activity (4.3 ms a page).
    /// </summary>
    public static async Task<List<LeadListRow>> PageRowsAsync(CrmDbContext db, Guid[] ids, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<InboxRow>($"""
            SELECT l.id, l.title, l.label_ids, l.source, l.owner_id, u.display_name AS owner_name, l.value_amount, l.value_currency,
                l.person_id, p.name AS person_name, l.organization_id, o.name AS organization_name, l.expected_close_date,
                l.created_at, l.was_seen, l.is_archived,
                next.id AS next_activity_id, next.subject AS next_activity_subject, next.due_date AS next_activity_due_date
            FROM unnest({ids}) WITH ORDINALITY AS page (id, position)
            JOIN leads AS l ON l.id = page.id
            JOIN users AS u ON u.id = l.owner_id
            LEFT JOIN persons AS p ON p.id = l.person_id
            LEFT JOIN organizations AS o ON o.id = l.organization_id
            LEFT JOIN LATERAL (
                SELECT a.id, a.subject, a.due_date FROM activities AS a
                WHERE a.lead_id = l.id AND NOT a.done
                ORDER BY a.due_date, a.due_time, a.id
                LIMIT 1) AS next ON true
            ORDER BY page.position
            """).ToListAsync(cancellationToken);
        return rows.Select(r => r.ToRow()).ToList();
    }

    // The columns as SQL returns them: EF cannot materialize the nested LeadNextActivity of a LeadListRow from SqlQuery.
    private sealed class InboxRow
    {
        public Guid Id { get; init; }
        public required string Title { get; init; }
        public List<Guid> LabelIds { get; init; } = [];
        public required string Source { get; init; }
        public int OwnerId { get; init; }
        public string? OwnerName { get; init; }
        public decimal? ValueAmount { get; init; }
        public string? ValueCurrency { get; init; }
        public int? PersonId { get; init; }
        public string? PersonName { get; init; }
        public int? OrganizationId { get; init; }
        public string? OrganizationName { get; init; }
        public DateOnly? ExpectedCloseDate { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public bool WasSeen { get; init; }
        public bool IsArchived { get; init; }
        public int? NextActivityId { get; init; }
        public string? NextActivitySubject { get; init; }
        public DateOnly? NextActivityDueDate { get; init; }

        public LeadListRow ToRow() => new()
        {
            Id = Id,
            Title = Title,
            LabelIds = LabelIds,
            Source = Enum.Parse<LeadSource>(Source),
            OwnerId = OwnerId,
            OwnerName = OwnerName,
            ValueAmount = ValueAmount,
            ValueCurrency = ValueCurrency,
            PersonId = PersonId,
            PersonName = PersonName,
            OrganizationId = OrganizationId,
            OrganizationName = OrganizationName,
            ExpectedCloseDate = ExpectedCloseDate,
            CreatedAt = CreatedAt,
            WasSeen = WasSeen,
            IsArchived = IsArchived,
            NextActivity = NextActivityId is { } id ? new LeadNextActivity { Id = id, Subject = NextActivitySubject!, DueDate = NextActivityDueDate!.Value } : null,
        };
    }

    private static readonly Func<CrmDbContext, Guid[], IAsyncEnumerable<OpenActivity>> OpenActivities = EF.CompileAsyncQuery(
        (CrmDbContext db, Guid[] leadIds) => db.Activities.AsNoTracking()
            .Where(a => a.LeadId != null && leadIds.Contains(a.LeadId.Value) && !a.Done)
            .Select(a => new OpenActivity(a.LeadId!.Value, a.Id, a.Subject, a.DueDate, a.DueTime)));

    private sealed record OpenActivity(Guid LeadId, int Id, string Subject, DateOnly DueDate, TimeOnly? DueTime);

    /// <summary>
    /// The next open activity of each lead on the page, in one query over the (lead_id, done, due_date) index.
    /// Done as a second query because EF translates a per-row FirstOrDefault into a window over all activities.
    /// </summary>
    public static async Task<Dictionary<Guid, LeadNextActivity>> NextActivitiesAsync(CrmDbContext db, Guid[] leadIds, CancellationToken cancellationToken)
    {
        var open = await OpenActivities(db, leadIds).ToListAsync(cancellationToken);
        return open.GroupBy(a => a.LeadId).ToDictionary(
            g => g.Key,
            g => g.OrderBy(a => a.DueDate).ThenBy(a => a.DueTime).ThenBy(a => a.Id)
                .Select(a => new LeadNextActivity { Id = a.Id, Subject = a.Subject, DueDate = a.DueDate }).First());
    }
}

public sealed class LeadListRow
{
    public Guid Id { get; init; }
    public required string Title { get; init; }
    public List<Guid> LabelIds { get; init; } = [];
    public LeadSource Source { get; init; }
    public int OwnerId { get; init; }
    public string? OwnerName { get; init; }
    public decimal? ValueAmount { get; init; }
    public string? ValueCurrency { get; init; }
    public int? PersonId { get; init; }
    public string? PersonName { get; init; }
    public int? OrganizationId { get; init; }
    public string? OrganizationName { get; init; }
    public LeadNextActivity? NextActivity { get; init; }
    public DateOnly? ExpectedCloseDate { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public bool WasSeen { get; init; }
    public bool IsArchived { get; init; }
}

public sealed class LeadNextActivity
{
    public int Id { get; init; }
    public required string Subject { get; init; }
    public DateOnly DueDate { get; init; }
}
