using System.ComponentModel.DataAnnotations;
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

[Authorize(Policy = Policies.GlobalAdmin)]
public class NewModel(CrmDbContext db, CurrentUser currentUser, PermissionAdministration administration, IWebHostEnvironment environment, ILogger<NewModel> logger, IStringLocalizer<SettingsText> text, IStringLocalizer<Shared.SharedText> shared) : PageModel
{
    [BindProperty]
    public NewUserInput Input { get; set; } = new();

    public List<SelectListItem> PermissionSets { get; private set; } = [];

    public async Task OnGetAsync() => await LoadSetsAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            await LoadSetsAsync();
            return Page();
        }

        var actor = await currentUser.RequireAccessAsync();
        var created = await administration.CreateUserAsync(actor, Input.Name, Input.Email, Input.Role, Input.PermissionSetId, Input.Password);
        if (!created.Result.Succeeded)
        {
            ModelState.AddModelError(string.Empty, shared.Message(created.Result.Error!));
            await LoadSetsAsync();
            return Page();
        }

        if (created.PasswordResetToken is { } token)
        {
            var link = Url.Page("/Account/SetPassword", pageHandler: null, values: new { userId = created.UserId, token }, protocol: Request.Scheme)!;
            if (environment.IsDevelopment())
            {
                // There is no invitation email yet; in development the link goes to the log so that it can be tried out.
                logger.LogInformation("Set-password link for new user {UserId}: {SetPasswordLink}", created.UserId, link);
            }

            TempData["SetPasswordLink"] = link;
        }

        TempData["Flash"] = text["{0} was added.", Input.Name].Value;
        return Redirect($"/settings/users/{created.UserId}");
    }

    private async Task LoadSetsAsync() =>
        PermissionSets = (await db.PermissionSets.AsNoTracking().OrderByDescending(s => s.IsBuiltIn).ThenBy(s => s.Name).ToListAsync())
            .Select(s => new SelectListItem(shared.NameOf(s), s.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>Only what an admin may choose for a new user; anything else in the form is ignored.</summary>
    public sealed class NewUserInput
    {
        [Required, StringLength(200), Display(Name = "Name")]
        public string Name { get; set; } = string.Empty;

        [Required, EmailAddress, StringLength(256), Display(Name = "Email")]
        public string Email { get; set; } = string.Empty;

        [Display(Name = "Role")]
        public UserRole Role { get; set; } = UserRole.RegularUser;

        [Display(Name = "Permission set")]
        public int? PermissionSetId { get; set; } = PermissionSet.RegularUserDefaultId;

        [StringLength(200), DataType(DataType.Password), Display(Name = "Initial password (optional)")]
        public string? Password { get; set; }
    }
}
