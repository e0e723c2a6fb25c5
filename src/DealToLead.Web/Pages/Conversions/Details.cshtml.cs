using DealToLead.Core.Conversions;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Conversions;

/// <summary>A bulk conversion's progress while it runs, then each deal's outcome.</summary>
public class DetailsModel(CrmDbContext db, CurrentUser currentUser) : PageModel
{
    public BulkConversionJob Job { get; private set; } = null!;
    public bool IsRunning => Job.Status != BulkJobStatus.Completed;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        var job = await db.BulkConversionJobs.AsNoTracking().VisibleTo(actor)
            .Include(j => j.Items.OrderBy(i => i.Position))
            .SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return NotFound();
        }

        Job = job;
        if (!IsRunning)
        {
            BulkJobBanner.Dismiss(Response, id);
            // The job's leads were written by a worker, not by this user's requests: read them where they are (ADR 0020).
            await ReadYourWrites.RememberAsync(HttpContext);
        }

        return Page();
    }

    /// <summary>The progress as JSON, polled by the deal list's banner.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken cancellationToken)
    {
        var actor = await currentUser.RequireAccessAsync(cancellationToken);
        var job = await db.BulkConversionJobs.AsNoTracking().VisibleTo(actor)
            .Where(j => j.Id == id)
            .Select(j => new { j.Status, j.Processed, j.Total })
            .SingleOrDefaultAsync(cancellationToken);
        if (job?.Status == BulkJobStatus.Completed)
        {
            await ReadYourWrites.RememberAsync(HttpContext);
        }

        return job is null
            ? NotFound()
            : new JsonResult(new { status = job.Status.ToString(), processed = job.Processed, total = job.Total });
    }

    /// <summary>The banner's Dismiss button: the banner stays away for this job.</summary>
    public IActionResult OnPostDismiss(Guid id, string? returnUrl)
    {
        BulkJobBanner.Dismiss(Response, id);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/deals");
    }
}
