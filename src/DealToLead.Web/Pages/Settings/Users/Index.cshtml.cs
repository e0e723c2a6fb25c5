using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Settings.Users;

[Authorize(Policy = Policies.GlobalAdmin)]
public class IndexModel(CrmDbContext db) : PageModel
{
    public List<UserRow> Users { get; private set; } = [];
    public List<PermissionAuditRow> RecentChanges { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Users = await db.Users.AsNoTracking()
            .OrderBy(u => u.DisplayName)
            .Select(u => new UserRow(u.Id, u.DisplayName, u.Email ?? string.Empty, u.Role, u.PermissionSetId, u.PermissionSet == null ? null : u.PermissionSet.Name, u.PermissionSet != null && u.PermissionSet.IsBuiltIn, u.IsActive))
            .ToListAsync();
        RecentChanges = await PermissionAuditLog.RecentAsync(db, take: 20);
    }

    public sealed record UserRow(int Id, string Name, string Email, UserRole Role, int? PermissionSetId, string? PermissionSetName, bool PermissionSetIsBuiltIn, bool IsActive);
}
