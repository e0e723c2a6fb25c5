namespace DealToLead.Core.Users;

public class PermissionSet
{
    public const int RegularUserDefaultId = 1;
    public const string RegularUserDefaultName = "Regular user (default)";
    public const string ManagerName = "Manager";

    public int Id { get; set; }
    public required string Name { get; set; }
    public string Description { get; set; } = string.Empty;
    public bool IsBuiltIn { get; set; }
    public List<PermissionGrant> Grants { get; set; } = [];
    public List<AppUser> Users { get; set; } = [];

    public bool Allows(Permission permission) => Grants.Any(g => g.Permission == permission);

    /// <summary>
    /// A rep converts, deletes and restores deals, and sees and edits their own deals and leads and those visible to
    /// the entire company; another user's owner-only deal or lead stays with its owner, its owner's managers and admins.
    /// </summary>
    public static IReadOnlyList<Permission> RegularUserDefaults { get; } =
        [Permission.ConvertDealsToLeads, Permission.DeleteDeals, Permission.RestoreDeletedDeals];

    /// <summary>A manager also sees and edits every deal and lead, owner-only ones included.</summary>
    public static IReadOnlyList<Permission> ManagerDefaults { get; } =
        [.. RegularUserDefaults, Permission.SeeDealsOfOthers, Permission.EditDealsOwnedByOthers];
}

public class PermissionGrant
{
    public int PermissionSetId { get; set; }
    public Permission Permission { get; set; }
}

public class PermissionAuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public int ChangedById { get; set; }
    public AppUser? ChangedBy { get; set; }
    public int? PermissionSetId { get; set; }
    public PermissionSet? PermissionSet { get; set; }
    public int? TargetUserId { get; set; }
    public AppUser? TargetUser { get; set; }
    public required string Change { get; set; }
}
