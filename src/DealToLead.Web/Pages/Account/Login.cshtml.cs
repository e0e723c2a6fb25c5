using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Account;

public class LoginModel(SignInManager<AppUser> signInManager, UserManager<AppUser> userManager, ILogger<LoginModel> logger, IStringLocalizer<AccountText> text) : PageModel
{
    [BindProperty]
    public LoginInput Input { get; set; } = new();

    public string? ReturnUrl { get; set; }

    public void OnGet(string? returnUrl) => ReturnUrl = returnUrl;

    public async Task<IActionResult> OnPostAsync(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = await userManager.FindByEmailAsync(Input.Email);
        if (user is { IsActive: false })
        {
            // Only someone who knows the password learns that the account exists and is deactivated.
            ModelState.AddModelError(string.Empty, await userManager.CheckPasswordAsync(user, Input.Password)
                ? text["This account has been deactivated. Ask an admin to reactivate it."]
                : text["Wrong email or password."]);
            return Page();
        }

        var result = await signInManager.PasswordSignInAsync(Input.Email, Input.Password, Input.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {UserId} signed in", user?.Id);
            return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/pipeline");
        }

        if (result.IsLockedOut)
        {
            logger.LogWarning("Sign-in refused: account {UserId} is locked out", user?.Id);
            ModelState.AddModelError(string.Empty, text["Too many failed attempts: this account is locked for a while. Try again later or ask an admin."]);
            return Page();
        }

        ModelState.AddModelError(string.Empty, text["Wrong email or password."]);
        return Page();
    }


    public sealed class LoginInput
    {
        [Required, EmailAddress, StringLength(256), Display(Name = "Email")]
        public string Email { get; set; } = string.Empty;

        [Required, StringLength(200), Display(Name = "Password")]
        public string Password { get; set; } = string.Empty;

        public bool RememberMe { get; set; }
    }
}
