using System.Linq.Expressions;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Conversions;

/// <summary>What to convert: the deals a user ticked, or everything the deal list's filter matches.</summary>
public sealed record BulkSelection(IReadOnlyList<int>? DealIds, DealListFilter? Filter)
{
    public static BulkSelection Of(IEnumerable<int> dealIds) => new(dealIds.ToList(), null);

    public static BulkSelection Matching(DealListFilter filter) => new(null, filter);
}

public enum BulkRefusal
{
    NoPermission,
    NothingSelected,
    OverLimit,
}

public sealed record BulkSubmission(Guid? JobId, BulkRefusal? Refusal, string? Message)
{
    public bool Accepted => JobId is not null;
}

public sealed record BulkRejection(int DealId, string DealTitle, string Reason);

public sealed record FormulaFieldValue(string FieldName, int DealId, string DealTitle, decimal Value);

/// <summary>What the confirm dialog shows before anything is saved.</summary>
public sealed record BulkConversionSummary(
    int Total,
    int Limit,
    string? Refusal,
    IReadOnlyList<BulkRejection> Rejections,
    IReadOnlyList<FormulaFieldValue> FormulaValues)
{
    public int WillConvert => Total - Rejections.Count;

    public IReadOnlyList<string> FormulaFieldNames => FormulaValues.Select(v => v.FieldName).Distinct().ToList();
}

/// <summary>
/// Turns a selection from the deal list into a durable <see cref="BulkConversionJob"/>; the background worker
/// does the converting. Checks (permission, limit) happen here, up front, so a refused request saves nothing.
/// </summary>
public sealed class BulkConversionSubmitter(CrmDbContext db, TimeProvider clock, BulkConversionSignal signal)
{
    public const string NoPermissionMessage = "You do not have permission to convert deals to leads.";

    public const string NotFoundReason = "Deal not found: no deal has this id, or you may not see it.";

    public async Task<BulkSubmission> SubmitAsync(UserAccess actor, BulkSelection selection, CancellationToken cancellationToken = default)
    {
        var (deals, missing, refusal, message) = await ResolveAsync(actor, selection, IdAndTitle, cancellationToken);
        if (refusal is not null)
        {
            return new BulkSubmission(null, refusal, message);
        }

        var job = new BulkConversionJob
        {
            Id = Guid.CreateVersion7(),
            RequestedById = actor.UserId,
            Status = BulkJobStatus.Queued,
            FilterDescription = selection.Filter is { } filter ? $"Filter: {filter.Describe()}" : $"{deals.Count + missing.Count} selected deals",
            Total = deals.Count + missing.Count,
            // Ids that match no visible deal are outcomes from the start, so the job reports each of them.
            Processed = missing.Count,
            CreatedAt = clock.GetUtcNow(),
        };
        var dealIds = deals.Select(d => d.Id).Concat(missing).ToArray();
        var titles = deals.Select(d => (string?)d.Title).Concat(missing.Select(_ => (string?)null)).ToArray();
        // Chosen now so that a resumed job asks the conversion service for the same conversion, which answers with
        // the first outcome instead of converting the deal twice.
        var conversionIds = deals.Select(_ => (Guid?)Guid.CreateVersion7()).Concat(missing.Select(_ => (Guid?)null)).ToArray();
        var outcomes = deals.Select(_ => BulkItemOutcome.Pending.ToString()).Concat(missing.Select(_ => BulkItemOutcome.Rejected.ToString())).ToArray();
        var reasons = deals.Select(_ => (string?)null).Concat(missing.Select(_ => (string?)NotFoundReason)).ToArray();
        await db.InTransactionAsync(async ct =>
        {
            db.BulkConversionJobs.Add(job);
            await db.SaveChangesAsync(ct);
            // One statement for the items: tracking 10,000 of them in EF added 57 MB to the benchmark's peak memory.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO bulk_conversion_job_items (job_id, position, deal_id, deal_title, outcome, conversion_id, reason)
                SELECT {job.Id}, i.position - 1, i.deal_id, i.title, i.outcome, i.conversion_id, i.reason
                FROM unnest({dealIds}, {titles}, {conversionIds}, {outcomes}, {reasons}) WITH ORDINALITY AS i(deal_id, title, conversion_id, outcome, reason, position)
                """, ct);
        }, cancellationToken);
        signal.Notify();
        return new BulkSubmission(job.Id, null, null);
    }

    public async Task<BulkConversionSummary> SummarizeAsync(UserAccess actor, BulkSelection selection, CancellationToken cancellationToken = default)
    {
        var limit = await LimitAsync(cancellationToken);
        var (deals, _, _, message) = await ResolveAsync(actor, selection, d => d, cancellationToken);
        var deletedIds = deals.Where(d => d.IsDeleted).Select(d => d.Id).ToList();
        var converted = deletedIds.Count == 0 ? [] : (await db.Leads.Where(l => l.OriginDealId != null && deletedIds.Contains(l.OriginDealId.Value))
            .Select(l => l.OriginDealId!.Value).ToListAsync(cancellationToken)).ToHashSet();
        var rejections = deals
            .Select(d => ConversionRules.DealToLead(actor, d, converted.Contains(d.Id)) is { } refusal ? new BulkRejection(d.Id, d.Title, refusal.Reason) : null)
            .OfType<BulkRejection>()
            .ToList();
        var rejectedIds = rejections.Select(r => r.DealId).ToHashSet();

        var formulaFields = await db.CustomFields.AsNoTracking()
            .Where(f => f.Entity == CustomFieldEntity.Deal)
            .OrderBy(f => f.OrderNr)
            .ToListAsync(cancellationToken);
        var formulaValues = new List<FormulaFieldValue>();
        foreach (var field in formulaFields.Where(f => f.IsFormula && f.FormulaExpression is not null))
        {
            foreach (var deal in deals.Where(d => !rejectedIds.Contains(d.Id)))
            {
                if (FormulaEvaluator.Evaluate(field.FormulaExpression!, deal, formulaFields) is { } value)
                {
                    formulaValues.Add(new FormulaFieldValue(field.Name, deal.Id, deal.Title, value));
                }
            }
        }

        return new BulkConversionSummary(deals.Count, limit, message, rejections, formulaValues);
    }

    public static string OverLimitMessage(int matched, int limit) =>
        $"{matched} deals matched, but at most {limit} deals can be converted to leads in one action. Narrow the selection or the filter.";

    // A job needs only these two columns of up to 10,000 deals; loading whole deals with their custom field values
    // added 18 MB to the benchmark's peak working set.
    private static readonly Expression<Func<Deal, Deal>> IdAndTitle = d => new Deal { Id = d.Id, Title = d.Title };

    /// <summary>
    /// The deals selected, and the ids asked for that match no deal the actor may see. The limit counts every
    /// distinct id asked for, found or not.
    /// </summary>
    private async Task<(List<Deal> Deals, List<int> Missing, BulkRefusal? Refusal, string? Message)> ResolveAsync(
        UserAccess actor, BulkSelection selection, Expression<Func<Deal, Deal>> columns, CancellationToken cancellationToken)
    {
        if (!actor.Has(Permission.ConvertDealsToLeads))
        {
            return ([], [], BulkRefusal.NoPermission, NoPermissionMessage);
        }

        var limit = await LimitAsync(cancellationToken);
        List<Deal> deals;
        List<int> missing = [];
        if (selection.Filter is { } filter)
        {
            deals = await filter.Apply(db.Deals.AsNoTracking(), actor).OrderBy(d => d.Id).Select(columns).ToListAsync(cancellationToken);
        }
        else
        {
            var ids = (selection.DealIds ?? []).Distinct().ToList();
            if (ids.Count > limit)
            {
                return ([], [], BulkRefusal.OverLimit, OverLimitMessage(ids.Count, limit));
            }

            // Deleted deals stay in a selection so the user learns why they were not converted.
            var found = await db.Deals.AsNoTracking().IgnoreQueryFilters().VisibleTo(actor)
                .Where(d => ids.Contains(d.Id))
                .Select(columns)
                .ToDictionaryAsync(d => d.Id, cancellationToken);
            deals = ids.Where(found.ContainsKey).Select(id => found[id]).ToList();
            missing = ids.Where(id => !found.ContainsKey(id)).ToList();
        }

        if (deals.Count == 0)
        {
            return (deals, missing, BulkRefusal.NothingSelected, "No deals were selected, or none of them can be found.");
        }

        return deals.Count > limit
            ? (deals, missing, BulkRefusal.OverLimit, OverLimitMessage(deals.Count, limit))
            : (deals, missing, null, null);
    }

    private async Task<int> LimitAsync(CancellationToken cancellationToken) =>
        await db.CompanySettings.AsNoTracking().Select(s => (int?)s.BulkConversionLimit).FirstOrDefaultAsync(cancellationToken)
        ?? CompanySettings.DefaultBulkConversionLimit;
}
