using Microsoft.AspNetCore.Identity;

namespace DealToLead.Core.Users;

public enum UserRole
{
    RegularUser,
    GlobalAdmin,
}

public class AppUser : IdentityUser<int>
{
    public const int MaxLanguageLength = 10;

    public required string DisplayName { get; set; }
    public UserRole Role { get; set; } = UserRole.RegularUser;
    public int? PermissionSetId { get; set; }
    public PermissionSet? PermissionSet { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>SHA-256 of the personal API token; the token itself is shown once and never stored.</summary>
    public string? ApiTokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The UI language the user chose (a culture name such as <c>sv-SE</c>); null follows the browser.</summary>
    public string? Language { get; set; }

    public bool IsGlobalAdmin => Role == UserRole.GlobalAdmin;
}
