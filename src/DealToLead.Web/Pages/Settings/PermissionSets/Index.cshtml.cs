using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Settings.PermissionSets;

[Authorize(Policy = Policies.GlobalAdmin)]
public class IndexModel(CrmDbContext db, CurrentUser currentUser, PermissionAdministration administration) : PageModel
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
            TempData["FlashError"] = "A permission set needs a name of at most 100 characters.";
            return RedirectToPage();
        }

        var result = await administration.CreateSetAsync(await currentUser.RequireAccessAsync(), input.Name, input.Description);
        if (!result.Succeeded)
        {
            TempData["FlashError"] = result.Error;
            return RedirectToPage();
        }

        TempData["Flash"] = $"Permission set \"{input.Name.Trim()}\" created with the default permissions. Adjust them below.";
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
