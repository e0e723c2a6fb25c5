namespace DealToLead.Core.Conversions;

public enum BulkJobStatus
{
    Queued,
    Running,
    Completed,
}

public enum BulkItemOutcome
{
    Pending,
    Converted,
    Rejected,
    Failed,
}

/// <summary>A bulk conversion from the deal list: a durable row claimed by a background worker.</summary>
public class BulkConversionJob
{
    public Guid Id { get; set; }
    public int RequestedById { get; set; }
    public BulkJobStatus Status { get; set; }

    /// <summary>The deal-list filter as it was when the job was submitted, for the record.</summary>
    public string? FilterDescription { get; set; }

    public int Total { get; set; }
    public int Processed { get; set; }

    /// <summary>Lease: a worker owns the job until this time; a crashed worker's job is claimed again after it.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }

    public string? LeasedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<BulkConversionJobItem> Items { get; set; } = [];
}

public class BulkConversionJobItem
{
    public long Id { get; set; }
    public Guid JobId { get; set; }
    public int Position { get; set; }
    public int DealId { get; set; }
    public string? DealTitle { get; set; }
    public BulkItemOutcome Outcome { get; set; }
    public Guid? LeadId { get; set; }
    public Guid? ConversionId { get; set; }
    public string? Reason { get; set; }
}
