namespace DealToLead.Core.Common;

/// <summary>Filled by the auditing interceptor from <see cref="TimeProvider"/> and the current user.</summary>
public interface IAuditable
{
    DateTimeOffset CreatedAt { get; set; }
    int? CreatedById { get; set; }
    DateTimeOffset UpdatedAt { get; set; }
    int? UpdatedById { get; set; }
}
