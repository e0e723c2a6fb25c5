using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Account;

/// <summary>Where a new user's set-password link leads: Identity's password-reset token proves the link is theirs.</summary>
[AllowAnonymous]
public class SetPasswordModel(UserManager<AppUser> userManager, ILogger<SetPasswordModel> logger, IStringLocalizer<AccountText> text) : PageModel
{
    [BindProperty]
    public SetPasswordInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    // The user and token stay in the link's query string: the form posts back to the same address.
    public async Task<IActionResult> OnPostAsync([FromQuery] int userId, [FromQuery] string? token)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await userManager.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var result = user is { IsActive: true } && !string.IsNullOrEmpty(token)
            ? await userManager.ResetPasswordAsync(user, token, Input.Password)
            : IdentityResult.Failed(new IdentityError { Code = "InvalidToken", Description = "This link is not valid." });
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                ModelState.AddModelError(string.Empty, error.Code == "InvalidToken" ? text["This link is not valid or has expired. Ask an admin for a new one."] : error.Description);
            }

            return Page();
        }

        logger.LogInformation("User {UserId} set their password", user!.Id);
        TempData["Flash"] = text["Your password is set. Sign in with it."].Value;
        return Redirect("/login");
    }

    public sealed class SetPasswordInput
    {
        [Required, StringLength(200, MinimumLength = 10), DataType(DataType.Password), Display(Name = "New password")]
        public string Password { get; set; } = string.Empty;

        [Required, Compare(nameof(Password), ErrorMessage = "The two passwords differ."), DataType(DataType.Password), Display(Name = "Repeat the password")]
        public string ConfirmPassword { get; set; } = string.Empty;
    }
}
