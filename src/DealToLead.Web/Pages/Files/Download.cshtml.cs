using DealToLead.Core.Files;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Files;

/// <summary>Downloads a file on a deal or lead the user may see; any other is not found.</summary>
public class DownloadModel(CurrentUser currentUser, FileCommands files) : PageModel
{
    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var file = await files.FindVisibleAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken);
        return file is null ? NotFound() : new FileDownload(file, files);
    }
}
