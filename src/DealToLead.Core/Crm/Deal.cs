using DealToLead.Core.Common;
using DealToLead.Core.Users;

namespace DealToLead.Core.Crm;

public enum DealStatus
{
    Open,
    Won,
    Lost,
}

public enum Visibility
{
    OwnerOnly,
    EntireCompany,
}

public class Deal : IAuditable, IOwnedRecord
{
    public static readonly TimeSpan RestoreWindow = TimeSpan.FromDays(30);

    public int Id { get; set; }
    public required string Title { get; set; }
    public decimal ValueAmount { get; set; }
    public string ValueCurrency { get; set; } = "EUR";
    public DateOnly? ExpectedCloseDate { get; set; }
    public int? Probability { get; set; }
    public DealStatus Status { get; set; } = DealStatus.Open;
    public string? LostReason { get; set; }
    public DateTimeOffset? WonAt { get; set; }
    public DateTimeOffset? LostAt { get; set; }
    public int OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public int? PersonId { get; set; }
    public Person? Person { get; set; }
    public int? OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public int PipelineId { get; set; }
    public Pipeline? Pipeline { get; set; }
    public int StageId { get; set; }
    public Stage? Stage { get; set; }
    public Visibility Visibility { get; set; } = Visibility.EntireCompany;
    public List<string> Labels { get; set; } = [];
    public Dictionary<string, string> CustomFields { get; set; } = [];
    /// <summary>The lead this deal was made from, if it was converted from one (the lead itself is gone).</summary>
    public Guid? SourceLeadId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
    public int? DeletedById { get; set; }

    /// <summary>PostgreSQL's <c>xmin</c>: the optimistic concurrency token.</summary>
    public uint Version { get; set; }

    public Money Value => new(ValueAmount, ValueCurrency);
    public bool IsDeleted => DeletedAt is not null;

    public bool IsRestorable(DateTimeOffset now) => DeletedAt is { } at && now - at < RestoreWindow;
}
