namespace DealToLead.Core.Conversions;

/// <summary>What converting a deal would move and what would stay, shown before the user confirms.</summary>
public sealed record ConversionPreview(
    int DealId,
    string DealTitle,
    string? RejectionReason,
    int UpcomingActivities,
    int Notes,
    int Emails,
    int DoneActivities,
    int Invoices,
    int HistoryEntries,
    IReadOnlyList<string> FormulaFieldsNotCarried)
{
    public bool CanConvert => RejectionReason is null;
}

/// <summary>The result of one conversion (either direction), as recorded in its <see cref="Conversion"/> row.</summary>
public sealed record ConversionOutcome(
    Guid ConversionId,
    ConversionStatus Status,
    int? DealId,
    Guid? LeadId,
    string? Reason,
    IReadOnlyList<string> FormulaFieldsNotCarried)
{
    public bool Succeeded => Status == ConversionStatus.Completed;
}
