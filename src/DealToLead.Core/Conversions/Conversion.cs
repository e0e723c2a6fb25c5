namespace DealToLead.Core.Conversions;

public enum ConversionDirection
{
    DealToLead,
    LeadToDeal,
}

public enum ConversionStatus
{
    NotStarted,
    Running,
    Completed,
    Failed,
    Rejected,
}

/// <summary>One conversion attempt, kept as a row so the API's status endpoint can answer (Pipedrive v2 semantics).</summary>
public class Conversion
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public Guid Id { get; set; }
    public ConversionDirection Direction { get; set; }
    public int? DealId { get; set; }
    public Guid? LeadId { get; set; }
    public int RequestedById { get; set; }
    public ConversionStatus Status { get; set; }
    public string? Reason { get; set; }
    public ConversionRejection? Rejection { get; set; }

    /// <summary>Names of formula fields that had values on the deal and were not carried into the lead.</summary>
    public List<string> FormulaFieldsNotCarried { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? UndoneAt { get; set; }
}
