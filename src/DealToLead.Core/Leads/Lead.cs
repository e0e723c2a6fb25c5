using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Leads;

/// <summary>Pipedrive's fixed list of lead sources; <see cref="LeadSources.Name"/> is the API's <c>source_name</c>.</summary>
public enum LeadSource
{
    ManuallyCreated,
    Deal,
    WebForms,
    Import,
    Api,
    Prospector,
    LiveChat,
    Messaging,
}

public static class LeadSources
{
    public static string Name(this LeadSource source) => source switch
    {
        LeadSource.ManuallyCreated => "Manually created",
        LeadSource.Deal => "Deal",
        LeadSource.WebForms => "Web forms",
        LeadSource.Import => "Import",
        LeadSource.Api => "API",
        LeadSource.Prospector => "Prospector",
        LeadSource.LiveChat => "Live chat",
        LeadSource.Messaging => "Messaging inbox",
        _ => source.ToString(),
    };

    public static LeadSource? FromName(string? name) =>
        Enum.GetValues<LeadSource>().Cast<LeadSource?>().FirstOrDefault(s =>
            string.Equals(s!.Value.Name(), name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(s.Value.ToString(), name, StringComparison.OrdinalIgnoreCase));
}

public class Lead : IAuditable, IOwnedRecord
{
    public Guid Id { get; set; }
    public required string Title { get; set; }
    public decimal? ValueAmount { get; set; }
    public string? ValueCurrency { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }
    public int? Probability { get; set; }
    public int OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public int? CreatorId { get; set; }
    public int? PersonId { get; set; }
    public Person? Person { get; set; }
    public int? OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public Visibility Visibility { get; set; } = Visibility.EntireCompany;
    public List<Guid> LabelIds { get; set; } = [];
    public LeadSource Source { get; set; } = LeadSource.ManuallyCreated;

    /// <summary>The deal this lead was converted from. Deals are soft-deleted, so the link survives.</summary>
    public int? OriginDealId { get; set; }

    public bool IsArchived { get; set; }
    public bool WasSeen { get; set; }
    public Dictionary<string, string> CustomFields { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
    public uint Version { get; set; }

    public Money? Value => ValueAmount is { } amount && ValueCurrency is { } currency ? new Money(amount, currency) : null;
}

public enum LeadLabelColor
{
    Blue,
    Brown,
    DarkGray,
    Gray,
    Green,
    Orange,
    Pink,
    Purple,
    Red,
    Yellow,
}

public class LeadLabel
{
    /// <summary>Every label by name; compiled, because every inbox view runs it (docs/decisions/0008).</summary>
    public static readonly Func<CrmDbContext, IAsyncEnumerable<LeadLabel>> AllByName = EF.CompileAsyncQuery<CrmDbContext, LeadLabel>(
        db => db.LeadLabels.AsNoTracking().OrderBy(l => l.Name));

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public LeadLabelColor Color { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum LeadLogKind
{
    Created,
    ConvertedFromDeal,
    ConvertedToDeal,
}

/// <summary>An entry in a lead's activity log, e.g. "Converted from deal" with a link to the deleted deal.</summary>
public class LeadLogEntry
{
    public long Id { get; set; }
    public Guid LeadId { get; set; }
    public DateTimeOffset At { get; set; }
    public int? UserId { get; set; }
    public AppUser? User { get; set; }
    public LeadLogKind Kind { get; set; }
    public int? DealId { get; set; }
}
