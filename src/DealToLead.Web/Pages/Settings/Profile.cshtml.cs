using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

public class ProfileModel(CurrentUser currentUser, CrmDbContext db, IStringLocalizer<SettingsText> text) : PageModel
{
    public UserAccess Access { get; private set; } = null!;
    public string? NewToken { get; private set; }

    public async Task OnGetAsync() => Access = await currentUser.RequireAccessAsync();

    public async Task OnPostRegenerateTokenAsync()
    {
        Access = await currentUser.RequireAccessAsync();
        NewToken = ApiTokens.Generate();
        var hash = ApiTokens.Hash(NewToken);
        await db.Users.Where(u => u.Id == Access.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.ApiTokenHash, hash));
    }

    /// <summary>The UI language; empty follows the browser. The next page is already in it.</summary>
    public async Task<IActionResult> OnPostLanguageAsync(string? language)
    {
        var access = await currentUser.RequireAccessAsync();
        if (!string.IsNullOrEmpty(language) && !UiLanguages.IsChoice(language))
        {
            return BadRequest();
        }

        var chosen = string.IsNullOrEmpty(language) ? null : language;
        await db.Users.Where(u => u.Id == access.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.Language, chosen));
        // Said in the language just chosen: this request still runs in the old one.
        var culture = new System.Globalization.CultureInfo(chosen ?? System.Globalization.CultureInfo.CurrentUICulture.Name);
        var previous = System.Globalization.CultureInfo.CurrentUICulture;
        System.Globalization.CultureInfo.CurrentUICulture = culture;
        TempData["Flash"] = text["Language saved."].Value;
        System.Globalization.CultureInfo.CurrentUICulture = previous;
        return RedirectToPage();
    }
}
