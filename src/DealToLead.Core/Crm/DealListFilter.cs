using DealToLead.Core.Common;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

public enum DealListStatus
{
    AllNotDeleted,
    Open,
    Won,
    Lost,
    Deleted,
}

/// <summary>
/// The deal list's filter, bound from the query string so the URL reflects it. Shared by the list page,
/// "Convert filter results to leads" and the bulk API, so all three select exactly the same deals.
/// </summary>
public sealed record DealListFilter
{
    public int? PipelineId { get; init; }
    public int? StageId { get; init; }
    public DealListStatus Status { get; init; } = DealListStatus.Open;
    public int? OwnerId { get; init; }
    public string? Label { get; init; }
    public decimal? MinValue { get; init; }
    public decimal? MaxValue { get; init; }
    public DateOnly? CloseFrom { get; init; }
    public DateOnly? CloseTo { get; init; }
    public string? Search { get; init; }

    public IQueryable<Deal> Apply(IQueryable<Deal> deals, UserAccess user)
    {
        var query = Status == DealListStatus.Deleted
            ? deals.IgnoreQueryFilters().Where(d => d.DeletedAt != null)
            : deals;
        query = query.VisibleTo(user);
        query = Status switch
        {
            DealListStatus.Open => query.Where(d => d.Status == DealStatus.Open),
            DealListStatus.Won => query.Where(d => d.Status == DealStatus.Won),
            DealListStatus.Lost => query.Where(d => d.Status == DealStatus.Lost),
            _ => query,
        };
        if (PipelineId is { } pipelineId)
        {
            query = query.Where(d => d.PipelineId == pipelineId);
        }

        if (StageId is { } stageId)
        {
            query = query.Where(d => d.StageId == stageId);
        }

        if (OwnerId is { } ownerId)
        {
            query = query.Where(d => d.OwnerId == ownerId);
        }

        if (!string.IsNullOrWhiteSpace(Label))
        {
            query = query.Where(d => d.Labels.Contains(Label));
        }

        if (MinValue is { } min)
        {
            query = query.Where(d => d.ValueAmount >= min);
        }

        if (MaxValue is { } max)
        {
            query = query.Where(d => d.ValueAmount <= max);
        }

        if (CloseFrom is { } from)
        {
            query = query.Where(d => d.ExpectedCloseDate >= from);
        }

        if (CloseTo is { } to)
        {
            query = query.Where(d => d.ExpectedCloseDate <= to);
        }

        if (!string.IsNullOrWhiteSpace(Search))
        {
            // Title, person and organization names, in one trigram-indexed column (docs/decisions/0018).
            var pattern = TextSearch.ContainsPattern(Search);
            query = query.Where(d => EF.Functions.Like(EF.Property<string>(d, TextSearch.Property), EF.Constant(pattern), TextSearch.EscapeCharacter));
        }

        return query;
    }

    /// <summary>A human-readable description, stored with bulk jobs and shown in confirmations.</summary>
    public string Describe()
    {
        var status = Status switch
        {
            DealListStatus.AllNotDeleted => "all but deleted",
            DealListStatus.Deleted => "deleted",
            _ => Status.ToString().ToLowerInvariant(),
        };
        var parts = new List<string> { $"status {status}" };
        if (PipelineId is not null) parts.Add($"pipeline {PipelineId}");
        if (StageId is not null) parts.Add($"stage {StageId}");
        if (OwnerId is not null) parts.Add($"owner {OwnerId}");
        if (!string.IsNullOrWhiteSpace(Label)) parts.Add($"label \"{Label}\"");
        if (MinValue is not null || MaxValue is not null) parts.Add($"value {MinValue}–{MaxValue}");
        if (CloseFrom is not null || CloseTo is not null) parts.Add($"expected close {CloseFrom:yyyy-MM-dd}–{CloseTo:yyyy-MM-dd}");
        if (!string.IsNullOrWhiteSpace(Search)) parts.Add($"search \"{Search}\"");
        return string.Join(", ", parts);
    }
}
