using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Settings;

public class ProfileModel(CurrentUser currentUser, CrmDbContext db) : PageModel
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
}
