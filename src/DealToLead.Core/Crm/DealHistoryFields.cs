namespace DealToLead.Core.Crm;

/// <summary>
/// The <see cref="DealHistoryEntry.Field"/> keys the app writes: a changed deal field (Pipedrive's API name) or an
/// event.
/// </summary>
public static class DealHistoryFields
{
    public const string Title = "title";
    public const string Value = "value";
    public const string Currency = "currency";
    public const string ExpectedCloseDate = "expected_close_date";
    public const string Probability = "probability";
    public const string Owner = "owner_id";
    public const string Person = "person_id";
    public const string Organization = "org_id";
    public const string Pipeline = "pipeline_id";
    public const string Stage = "stage_id";
    public const string Visibility = "visible_to";
    public const string Labels = "labels";
    public const string Status = "status";
    public const string LostReason = "lost_reason";
    public const string Created = "created";
    public const string Deleted = "deleted";
    public const string Restored = "restored";
    public const string ConvertedToLead = "converted_to_lead";
    public const string ConversionUndone = "conversion_undone";
    public const string ConvertedFromLead = "converted_from_lead";

    /// <summary>The key in words, for the deal's history; a custom field's key is shown as the field's name.</summary>
    public static string? Describe(string field) => field switch
    {
        Title => "Title",
        Value => "Value",
        Currency => "Currency",
        ExpectedCloseDate => "Expected close date",
        Probability => "Probability",
        Owner => "Owner",
        Person => "Person",
        Organization => "Organization",
        Pipeline => "Pipeline",
        Stage => "Stage",
        Visibility => "Visibility",
        Labels => "Labels",
        Status => "Status",
        LostReason => "Lost reason",
        Created => "Deal created",
        Deleted => "Deal deleted",
        Restored => "Deal restored",
        ConvertedToLead => "Converted to lead",
        ConversionUndone => "Conversion undone",
        ConvertedFromLead => "Created from a lead",
        _ => null,
    };

    /// <summary>Events whose value is a lead id: the history links to the lead instead of showing the id.</summary>
    public static bool RefersToLead(string field) => field is ConvertedToLead or ConversionUndone or ConvertedFromLead;
}
