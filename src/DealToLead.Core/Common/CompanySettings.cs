namespace DealToLead.Core.Common;

/// <summary>Company-wide settings admins can change; one row.</summary>
public class CompanySettings
{
    public const int SingletonId = 1;
    public const int DefaultBulkConversionLimit = 100;

    public int Id { get; set; } = SingletonId;
    public string CompanyName { get; set; } = "DealToLead";
    public int BulkConversionLimit { get; set; } = DefaultBulkConversionLimit;
}
