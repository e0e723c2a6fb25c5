using DealToLead.Core.Common;
using DealToLead.Core.Users;

namespace DealToLead.Core.Crm;

public class Organization : IAuditable
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The address as one line, as people type it (Pipedrive's <c>address.value</c>).</summary>
    public string? Address { get; set; }
    /// <summary>The address's components, keyed by <see cref="OrganizationAddress.Parts"/>; empty when only the line is known.</summary>
    public Dictionary<string, string> AddressParts { get; set; } = [];
    public int? OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
}

/// <summary>The components of an address, named as Pipedrive names them (Google's geocoding names).</summary>
public static class OrganizationAddress
{
    public const int MaxPartLength = 255;

    public static readonly IReadOnlyList<string> Parts =
        ["subpremise", "street_number", "route", "sublocality", "locality", "admin_area_level_1", "admin_area_level_2", "country", "postal_code", "formatted_address"];
}

public class Person : IAuditable
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public List<string> Emails { get; set; } = [];
    public List<string> Phones { get; set; } = [];
    public int? OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    public int? OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
}
