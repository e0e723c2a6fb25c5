using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings.Users;

// Every handler takes the user from the route with [FromRoute]: model binding prefers form values, so a plain
// "int id" would let a forged "id" field aim the change at another user.
[Authorize(Policy = Policies.GlobalAdmin)]
public class EditModel(CrmDbContext db, CurrentUser currentUser, PermissionAdministration administration, IStringLocalizer<SettingsText> text, IStringLocalizer<Shared.SharedText> shared) : PageModel
{
    public AppUser SelectedUser { get; private set; } = null!;
    public bool IsSelf { get; private set; }
    public List<SelectListItem> PermissionSets { get; private set; } = [];
    public List<PermissionAuditRow> Changes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromRoute] int id)
    {
        var user = await db.Users.AsNoTracking().Include(u => u.PermissionSet).FirstOrDefaultAsync(u => u.Id == id);
        if (user is null)
        {
            return NotFound();
        }

        SelectedUser = user;
        IsSelf = user.Id == currentUser.UserId;
        PermissionSets = (await db.PermissionSets.AsNoTracking().OrderByDescending(s => s.IsBuiltIn).ThenBy(s => s.Name).ToListAsync())
            .Select(s => new SelectListItem(shared.NameOf(s), s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Id == user.PermissionSetId))
            .ToList();
        Changes = await PermissionAuditLog.RecentAsync(db, take: 50, userId: id);
        return Page();
    }

    public async Task<IActionResult> OnPostAccessAsync([FromRoute] int id, AccessInput input)
    {
        var actor = await currentUser.RequireAccessAsync();
        var result = await administration.ChangeUserAccessAsync(actor, id, input.Role, input.Role == UserRole.GlobalAdmin ? null : input.PermissionSetId);
        return Done(result, text["Role and permission set saved."], id, actor);
    }

    public async Task<IActionResult> OnPostDeactivateAsync([FromRoute] int id)
    {
        var actor = await currentUser.RequireAccessAsync();
        return Done(await administration.SetActiveAsync(actor, id, active: false), text["User deactivated: they can no longer sign in or use their API token."], id, actor);
    }

    public async Task<IActionResult> OnPostReactivateAsync([FromRoute] int id)
    {
        var actor = await currentUser.RequireAccessAsync();
        return Done(await administration.SetActiveAsync(actor, id, active: true), text["User reactivated."], id, actor);
    }

    private IActionResult Done(AdminResult result, string success, int id, UserAccess actor)
    {
        TempData[result.Succeeded ? "Flash" : "FlashError"] = result.Succeeded ? success : result.Error;
        // An admin who just made themselves a regular user may no longer open this page.
        return Redirect(result.Succeeded && id == actor.UserId ? "/settings" : $"/settings/users/{id}");
    }

    /// <summary>Only the role and the set are taken from the form; the user is the one in the route.</summary>
    public sealed class AccessInput
    {
        public UserRole Role { get; set; }
        public int? PermissionSetId { get; set; }
    }
}
