namespace DealToLead.Core.Conversions;

/// <summary>What converting a deal would move and what would stay, shown before the user confirms.</summary>
public sealed record ConversionPreview(
    int DealId,
    string DealTitle,
    string? RejectionReason,
    ConversionRejection? Rejection,
    int UpcomingActivities,
    int Notes,
    int Emails,
    int Files,
    int DoneActivities,
    int Invoices,
    int HistoryEntries,
    IReadOnlyList<string> FormulaFieldsNotCarried)
{
    public bool CanConvert => RejectionReason is null;
}

/// <summary>One deal to convert; a caller-chosen conversion id makes a repeated request return the first outcome.</summary>
public sealed record DealToConvert(int DealId, Guid? ConversionId = null);

/// <summary>The result of one conversion (either direction), as recorded in its <see cref="Conversion"/> row.</summary>
public sealed record ConversionOutcome(
    Guid ConversionId,
    ConversionStatus Status,
    int? DealId,
    Guid? LeadId,
    string? Reason,
    IReadOnlyList<string> FormulaFieldsNotCarried,
    ConversionRejection? Rejection = null)
{
    public bool Succeeded => Status == ConversionStatus.Completed;

    public static ConversionOutcome From(Conversion conversion) => new(
        conversion.Id, conversion.Status, conversion.DealId, conversion.LeadId, conversion.Reason,
        conversion.FormulaFieldsNotCarried, conversion.Rejection);
}

/// <summary>Why a conversion was refused; entry points map these to status codes (403 for rights, 409 for state).</summary>
public enum ConversionRejection
{
    NoPermission,
    NotEditable,
    DealWon,
    DealDeleted,
    AlreadyConverted,
    UndoExpired,
    UndoNotPossible,
    InvalidStage,
    DealWithoutContact,
}
