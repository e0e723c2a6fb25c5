using DealToLead.Core.Common;
using DealToLead.Core.Users;

namespace DealToLead.Core.Crm;

public class Organization : IAuditable
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Address { get; set; }
    public int? OwnerId { get; set; }
    public AppUser? Owner { get; set; }
    public Dictionary<string, string> CustomFields { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
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
