using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Localization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings.PermissionSets;

// [FromRoute] on every id: model binding prefers form values, so a forged "id" field must not pick the set.
[Authorize(Policy = Policies.GlobalAdmin)]
public class DetailsModel(CrmDbContext db, CurrentUser currentUser, PermissionAdministration administration, IStringLocalizer<SettingsText> text, IStringLocalizer<Shared.SharedText> shared) : PageModel
{
    public PermissionSet Set { get; private set; } = null!;
    public List<Member> Members { get; private set; } = [];
    public List<Member> OtherRegularUsers { get; private set; } = [];
    public List<PermissionAuditRow> Changes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromRoute] int id)
    {
        var set = await db.PermissionSets.AsNoTracking().Include(s => s.Grants).FirstOrDefaultAsync(s => s.Id == id);
        if (set is null)
        {
            return NotFound();
        }

        Set = set;
        var regularUsers = await db.Users.AsNoTracking()
            .Where(u => u.Role == UserRole.RegularUser)
            .OrderBy(u => u.DisplayName)
            .Select(u => new Member(u.Id, u.DisplayName, u.Email ?? string.Empty, u.IsActive, u.PermissionSetId))
            .ToListAsync();
        Members = regularUsers.Where(u => u.PermissionSetId == id).ToList();
        OtherRegularUsers = regularUsers.Where(u => u.PermissionSetId != id).ToList();
        Changes = await PermissionAuditLog.RecentAsync(db, take: 50, setId: id);
        return Page();
    }

    public async Task<IActionResult> OnPostPermissionsAsync([FromRoute] int id, PermissionsInput input) =>
        Done(await administration.SetPermissionsAsync(await Actor(), id, input.Granted), text["Permissions saved. They apply to each member's next request."], id);

    public async Task<IActionResult> OnPostDetailsAsync([FromRoute] int id, DetailsInput input) =>
        ModelState.IsValid
            ? Done(await administration.UpdateSetDetailsAsync(await Actor(), id, input.Name, input.Description), text["Name and description saved."], id)
            : Done(AdminResult.Refused("A permission set needs a name of at most 100 characters."), string.Empty, id);

    public async Task<IActionResult> OnPostCopyAsync([FromRoute] int id, CopyInput input)
    {
        if (!ModelState.IsValid)
        {
            return Done(AdminResult.Refused("The copy needs a name of at most 100 characters."), string.Empty, id);
        }

        var result = await administration.CopySetAsync(await Actor(), id, input.CopyName);
        return Done(result, text["Copied. This is the new set."], result.Id ?? id);
    }

    public async Task<IActionResult> OnPostAssignAsync([FromRoute] int id, AssignInput input) =>
        Done(await administration.AssignUserToSetAsync(await Actor(), input.UserId, id), text["User assigned to this set."], id);

    public async Task<IActionResult> OnPostDeleteAsync([FromRoute] int id)
    {
        var result = await administration.DeleteSetAsync(await Actor(), id);
        if (!result.Succeeded)
        {
            return Done(result, string.Empty, id);
        }

        TempData["Flash"] = text["Permission set deleted; its users are now in “{0}”.", shared.Message(PermissionSet.RegularUserDefaultName)].Value;
        return Redirect("/settings/permission-sets");
    }

    private Task<UserAccess> Actor() => currentUser.RequireAccessAsync();

    private RedirectResult Done(AdminResult result, string success, int id)
    {
        TempData[result.Succeeded ? "Flash" : "FlashError"] = result.Succeeded ? success : result.Error;
        return Redirect($"/settings/permission-sets/{id}");
    }

    public sealed record Member(int Id, string Name, string Email, bool IsActive, int? PermissionSetId);

    /// <summary>The permissions ticked in the form; an unticked box is simply absent.</summary>
    public sealed class PermissionsInput
    {
        public List<Permission> Granted { get; set; } = [];
    }

    public sealed class DetailsInput
    {
        [Required, StringLength(100)]
        public string Name { get; set; } = string.Empty;

        [StringLength(500)]
        public string? Description { get; set; }
    }

    public sealed class CopyInput
    {
        [Required, StringLength(100)]
        public string CopyName { get; set; } = string.Empty;
    }

    public sealed class AssignInput
    {
        public int UserId { get; set; }
    }
}
