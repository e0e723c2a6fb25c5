using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings.PermissionSets;

[Authorize(Policy = Policies.GlobalAdmin)]
public class IndexModel(CrmDbContext db, CurrentUser currentUser, PermissionAdministration administration, IStringLocalizer<SettingsText> text) : PageModel
{
    public List<SetRow> Sets { get; private set; } = [];

    public async Task OnGetAsync() =>
        Sets = await db.PermissionSets.AsNoTracking()
            .OrderByDescending(s => s.IsBuiltIn).ThenBy(s => s.Name)
            .Select(s => new SetRow(s.Id, s.Name, s.Description, s.IsBuiltIn, s.Grants.Count, s.Users.OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToList()))
            .ToListAsync();

    public async Task<IActionResult> OnPostCreateAsync(SetInput input)
    {
        if (!ModelState.IsValid)
        {
            TempData["FlashError"] = text["A permission set needs a name of at most 100 characters."].Value;
            return RedirectToPage();
        }

        var result = await administration.CreateSetAsync(await currentUser.RequireAccessAsync(), input.Name, input.Description);
        if (!result.Succeeded)
        {
            TempData["FlashError"] = result.Error;
            return RedirectToPage();
        }

        TempData["Flash"] = text["Permission set “{0}” created with the default permissions. Adjust them below.", input.Name.Trim()].Value;
        return Redirect($"/settings/permission-sets/{result.Id}");
    }

    public sealed record SetRow(int Id, string Name, string Description, bool IsBuiltIn, int PermissionCount, List<string> Users);

    public sealed class SetInput
    {
        [Required, StringLength(100)]
        public string Name { get; set; } = string.Empty;

        [StringLength(500)]
        public string? Description { get; set; }
    }
}
