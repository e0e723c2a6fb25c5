using DealToLead.Core.Mail;
using DealToLead.Infrastructure.Mail;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

public class EmailSyncModel(CurrentUser currentUser, MailboxSyncSettings settings, MailboxSyncWorker worker, IStringLocalizer<SettingsText> text) : PageModel
{
    public MailboxConnection? Connection { get; private set; }
    public string? Error { get; private set; }

    [BindProperty] public string? Host { get; set; }
    [BindProperty] public int? Port { get; set; } = 993;
    [BindProperty] public MailSecurity Security { get; set; } = MailSecurity.Tls;
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public DateOnly? StartDate { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Connection = await settings.ForUserAsync((await currentUser.RequireAccessAsync(cancellationToken)).UserId, cancellationToken);

    public async Task<IActionResult> OnPostConnectAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var result = await settings.ConnectAsync(access, new MailboxConnectionInput(Host, Port, Security, UserName, Password, StartDate), cancellationToken);
        Password = null;
        return result.ToForm(this, error => Error = error, text["Mailbox connected. The first sync starts now."], _ =>
        {
            worker.SyncSoon();
            return RedirectToPage();
        });
    }

    public IActionResult OnPostSyncNow()
    {
        worker.SyncSoon();
        TempData["Flash"] = text["Sync started."].Value;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDisconnectAsync(CancellationToken cancellationToken)
    {
        await settings.DisconnectAsync(await currentUser.RequireAccessAsync(cancellationToken), cancellationToken);
        TempData["Flash"] = text["Mailbox disconnected. Emails already linked stay on their deals and leads."].Value;
        return RedirectToPage();
    }
}
