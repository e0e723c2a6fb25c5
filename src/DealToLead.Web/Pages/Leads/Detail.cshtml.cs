using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Files;
using DealToLead.Core.Leads;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Pages.Leads;

/// <summary>The lead page, and the handlers behind every form of the lead detail (also when shown in the inbox panel).</summary>
public class DetailModel(
    CrmDbContext db, CurrentUser currentUser, TimeProvider clock, DealConversionService conversions, LeadCommands leads, ActivityCommands activities, NoteCommands notes, FileCommands files,
    IOptions<SmartBccOptions> bcc, IStringLocalizer<LeadsText> text) : PageModel
{
    public LeadDetailView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        View = await LeadDetailView.LoadAsync(db, await currentUser.RequireAccessAsync(cancellationToken), id, clock, bcc.Value, cancellationToken);
        if (View is null)
        {
            return NotFound();
        }

        View.ReturnUrl = $"/leads/{id}";
        View.IsPage = true;
        return Page();
    }

    public async Task<IActionResult> OnPostArchiveAsync(Guid id, string? returnUrl, CancellationToken cancellationToken) =>
        (await leads.SetArchivedAsync(await currentUser.RequireAccessAsync(cancellationToken), id, true, cancellationToken))
            .ToPage(this, text["Lead archived."], () => AfterArchiving(id, archived: true, returnUrl));

    public async Task<IActionResult> OnPostUnarchiveAsync(Guid id, string? returnUrl, CancellationToken cancellationToken) =>
        (await leads.SetArchivedAsync(await currentUser.RequireAccessAsync(cancellationToken), id, false, cancellationToken))
            .ToPage(this, text["Lead moved back to the inbox."], () => AfterArchiving(id, archived: false, returnUrl));

    public async Task<IActionResult> OnPostLabelsAsync(Guid id, List<Guid> labelIds, string? returnUrl, CancellationToken cancellationToken) =>
        (await leads.SetLabelsAsync(await currentUser.RequireAccessAsync(cancellationToken), id, labelIds, cancellationToken))
            .ToPage(this, text["Labels saved."], () => Back(id, returnUrl));

    /// <summary>The inline edit of the details section: only the fields it shows change.</summary>
    public async Task<IActionResult> OnPostDetailsAsync(Guid id, string? title, decimal? valueAmount, string? valueCurrency, int? probability, DateOnly? expectedCloseDate, string? returnUrl, CancellationToken cancellationToken)
    {
        var changes = new LeadChanges
        {
            Title = title ?? string.Empty,
            ValueAmount = valueAmount,
            ValueCurrency = string.IsNullOrWhiteSpace(valueCurrency) ? null : valueCurrency.Trim().ToUpperInvariant(),
            ClearValue = valueAmount is null,
            Probability = probability,
            ClearProbability = probability is null,
            ExpectedCloseDate = expectedCloseDate,
            ClearExpectedCloseDate = expectedCloseDate is null,
        };
        return (await leads.UpdateAsync(await currentUser.RequireAccessAsync(cancellationToken), id, changes, cancellationToken))
            .ToPage(this, text["Lead saved."], () => Back(id, returnUrl));
    }

    public async Task<IActionResult> OnPostAddActivityAsync(Guid id, string? subject, ActivityType type, DateOnly? dueDate, string? returnUrl, CancellationToken cancellationToken)
    {
        var changes = new ActivityChanges { Subject = subject, Type = type, DueDate = dueDate, Parent = ItemParent.Lead(id) };
        return (await activities.AddAsync(await currentUser.RequireAccessAsync(cancellationToken), changes, cancellationToken))
            .ToPage(this, text["Activity added."], () => Back(id, returnUrl));
    }

    public async Task<IActionResult> OnPostCompleteActivityAsync(Guid id, int activityId, string? returnUrl, CancellationToken cancellationToken) =>
        (await activities.CompleteAsync(await currentUser.RequireAccessAsync(cancellationToken), activityId, cancellationToken))
            .ToPage(this, text["Activity marked as done."], () => Back(id, returnUrl));

    public async Task<IActionResult> OnPostRescheduleActivityAsync(Guid id, int activityId, DateOnly? dueDate, string? returnUrl, CancellationToken cancellationToken) =>
        (await activities.RescheduleAsync(await currentUser.RequireAccessAsync(cancellationToken), activityId, dueDate, cancellationToken))
            .ToPage(this, text["Activity rescheduled."], () => Back(id, returnUrl));

    public async Task<IActionResult> OnPostAddNoteAsync(Guid id, string? content, string? returnUrl, CancellationToken cancellationToken) =>
        (await notes.AddAsync(await currentUser.RequireAccessAsync(cancellationToken), new NoteChanges { Content = content, Parent = ItemParent.Lead(id) }, cancellationToken))
            .ToPage(this, text["Note added."], () => Back(id, returnUrl));

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken) =>
        (await leads.DeleteAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken))
            .ToPage(this, text["Lead deleted."], () => Redirect("/leads"));

    public async Task<IActionResult> OnPostUploadFileAsync(Guid id, IFormFile? file, string? returnUrl, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            TempData["FlashError"] = text["Choose a file to upload."].Value;
            return Back(id, returnUrl);
        }

        await using var stream = file.OpenReadStream();
        return (await files.AttachAsync(await currentUser.RequireAccessAsync(cancellationToken), ItemParent.Lead(id), file.FileName, stream, cancellationToken))
            .ToPage(this, text["File attached."], () => Back(id, returnUrl));
    }

    public async Task<IActionResult> OnPostDeleteFileAsync(Guid id, int fileId, string? returnUrl, CancellationToken cancellationToken) =>
        (await files.DeleteAsync(await currentUser.RequireAccessAsync(cancellationToken), fileId, cancellationToken)).ToPage(this, text["File deleted."], () => Back(id, returnUrl));

    public async Task<IActionResult> OnPostUndoAsync(Guid id, CancellationToken cancellationToken)
    {
        var outcome = await conversions.UndoDealToLeadAsync(await currentUser.RequireAccessAsync(cancellationToken), id, cancellationToken);
        return outcome.ToCommandError("Lead") is { } refusal
            ? refusal.ToPage(this, () => Redirect($"/leads/{id}"))
            : Moved(text["Conversion undone: the deal is back."], outcome!.DealId!.Value);
    }

    public async Task<IActionResult> OnPostConvertToDealAsync(Guid id, int? stageId, CancellationToken cancellationToken)
    {
        int? pipelineId = stageId is { } sid
            ? await db.Stages.Where(s => s.Id == sid).Select(s => (int?)s.PipelineId).FirstOrDefaultAsync(cancellationToken)
            : null;
        var outcome = await conversions.ConvertLeadToDealAsync(await currentUser.RequireAccessAsync(cancellationToken), id, pipelineId is null ? null : stageId, pipelineId, cancellationToken);
        return outcome.ToCommandError("Lead") is { } refusal
            ? refusal.ToPage(this, () => Redirect($"/leads/{id}"))
            : Moved(text["Lead converted to a deal."], outcome!.DealId!.Value);
    }

    private RedirectResult Moved(string message, int dealId)
    {
        TempData["Flash"] = message;
        return Redirect($"/deals/{dealId}");
    }

    /// <summary>An archived lead leaves the list it was selected in, so go back to that list without the selection.</summary>
    private IActionResult AfterArchiving(Guid id, bool archived, string? returnUrl) =>
        returnUrl is not null && returnUrl.StartsWith("/leads?", StringComparison.Ordinal) || returnUrl == "/leads"
            ? Redirect(archived ? "/leads" : "/leads/archived")
            : returnUrl is not null && returnUrl.StartsWith("/leads/archived", StringComparison.Ordinal)
                ? Redirect("/leads/archived")
                : Back(id, returnUrl);

    private IActionResult Back(Guid id, string? returnUrl) =>
        returnUrl is not null && Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl) : Redirect($"/leads/{id}");
}
