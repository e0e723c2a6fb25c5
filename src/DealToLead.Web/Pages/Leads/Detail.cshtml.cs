using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

/// <summary>The lead page, and the handlers behind every form of the lead detail (also when shown in the inbox panel).</summary>
public class DetailModel(CrmDbContext db, CurrentUser currentUser, TimeProvider clock, DealConversionService conversions) : PageModel
{
    public LeadDetailView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        View = await LeadDetailView.LoadAsync(db, await currentUser.RequireAccessAsync(cancellationToken), id, clock, cancellationToken);
        if (View is null)
        {
            return NotFound();
        }

        View.ReturnUrl = $"/leads/{id}";
        return Page();
    }

    public Task<IActionResult> OnPostArchiveAsync(Guid id, string? returnUrl, CancellationToken cancellationToken) =>
        SetArchivedAsync(id, true, returnUrl, cancellationToken);

    public Task<IActionResult> OnPostUnarchiveAsync(Guid id, string? returnUrl, CancellationToken cancellationToken) =>
        SetArchivedAsync(id, false, returnUrl, cancellationToken);

    public async Task<IActionResult> OnPostLabelsAsync(Guid id, List<Guid> labelIds, string? returnUrl, CancellationToken cancellationToken)
    {
        var (lead, refusal) = await EditableLeadAsync(id, cancellationToken);
        if (lead is null)
        {
            return refusal!;
        }

        lead.LabelIds = await db.LeadLabels.Where(l => labelIds.Contains(l.Id)).Select(l => l.Id).ToListAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = "Labels saved.";
        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostAddActivityAsync(Guid id, string? subject, ActivityType type, DateOnly? dueDate, string? returnUrl, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await db.Leads.VisibleTo(access).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(subject) || dueDate is null)
        {
            TempData["FlashError"] = "An activity needs a subject and a due date.";
            return Back(id, returnUrl);
        }

        db.Activities.Add(new Activity
        {
            Subject = subject.Trim(),
            Type = type,
            DueDate = dueDate.Value,
            OwnerId = access.UserId,
            LeadId = id,
            PersonId = lead.PersonId,
            OrganizationId = lead.OrganizationId,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = "Activity added.";
        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostCompleteActivityAsync(Guid id, int activityId, string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await IsVisibleAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var now = clock.GetUtcNow();
        await db.Activities.Where(a => a.Id == activityId && a.LeadId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Done, true).SetProperty(a => a.DoneAt, now), cancellationToken);
        TempData["Flash"] = "Activity marked as done.";
        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostRescheduleActivityAsync(Guid id, int activityId, DateOnly? dueDate, string? returnUrl, CancellationToken cancellationToken)
    {
        if (!await IsVisibleAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (dueDate is { } due)
        {
            await db.Activities.Where(a => a.Id == activityId && a.LeadId == id && !a.Done)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.DueDate, due), cancellationToken);
            TempData["Flash"] = "Activity rescheduled.";
        }

        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostAddNoteAsync(Guid id, string? content, string? returnUrl, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await db.Leads.VisibleTo(access).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return NotFound();
        }

        if (HtmlCleaner.NoteRefusal(content) is { } tooComplex)
        {
            TempData["FlashError"] = $"The note was not added. {tooComplex}";
            return Back(id, returnUrl);
        }

        var clean = HtmlCleaner.Clean(content);
        if (string.IsNullOrWhiteSpace(clean))
        {
            TempData["FlashError"] = "A note cannot be empty.";
            return Back(id, returnUrl);
        }

        db.Notes.Add(new Note { Content = clean, AuthorId = access.UserId, LeadId = id, PersonId = lead.PersonId, OrganizationId = lead.OrganizationId, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = "Note added.";
        return Back(id, returnUrl);
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        var (lead, refusal) = await EditableLeadAsync(id, cancellationToken);
        if (lead is null)
        {
            return refusal!;
        }

        await db.Leads.Where(l => l.Id == id).ExecuteDeleteAsync(cancellationToken);
        TempData["Flash"] = $"Lead \"{lead.Title}\" deleted.";
        return Redirect("/leads");
    }

    public async Task<IActionResult> OnPostUndoAsync(Guid id, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await db.Leads.AsNoTracking().VisibleTo(access).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return NotFound();
        }

        if (!access.CanConvert(lead))
        {
            return Forbid();
        }

        var outcome = await conversions.UndoDealToLeadAsync(access, id, cancellationToken);
        if (outcome is null)
        {
            return NotFound();
        }

        if (!outcome.Succeeded || outcome.DealId is null)
        {
            TempData["FlashError"] = outcome.Reason ?? "The conversion could not be undone.";
            return Redirect($"/leads/{id}");
        }

        TempData["Flash"] = "Conversion undone: the deal is back.";
        return Redirect($"/deals/{outcome.DealId}");
    }

    public async Task<IActionResult> OnPostConvertToDealAsync(Guid id, int? stageId, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await db.Leads.AsNoTracking().VisibleTo(access).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return NotFound();
        }

        if (!access.CanConvert(lead))
        {
            return Forbid();
        }

        int? pipelineId = stageId is { } sid
            ? await db.Stages.Where(s => s.Id == sid).Select(s => (int?)s.PipelineId).FirstOrDefaultAsync(cancellationToken)
            : null;
        var outcome = await conversions.ConvertLeadToDealAsync(access, id, pipelineId is null ? null : stageId, pipelineId, cancellationToken);
        if (outcome is null)
        {
            return NotFound();
        }

        if (!outcome.Succeeded || outcome.DealId is null)
        {
            TempData["FlashError"] = outcome.Reason ?? "The lead could not be converted.";
            return Redirect($"/leads/{id}");
        }

        TempData["Flash"] = "Lead converted to a deal.";
        return Redirect($"/deals/{outcome.DealId}");
    }

    private async Task<IActionResult> SetArchivedAsync(Guid id, bool archived, string? returnUrl, CancellationToken cancellationToken)
    {
        var (lead, refusal) = await EditableLeadAsync(id, cancellationToken);
        if (lead is null)
        {
            return refusal!;
        }

        lead.IsArchived = archived;
        await db.SaveChangesAsync(cancellationToken);
        TempData["Flash"] = archived ? $"Lead \"{lead.Title}\" archived." : $"Lead \"{lead.Title}\" moved back to the inbox.";
        // The archived lead leaves the list it was selected in, so go back to that list without the selection.
        return returnUrl is not null && returnUrl.StartsWith("/leads?", StringComparison.Ordinal) || returnUrl == "/leads"
            ? Redirect(archived ? "/leads" : "/leads/archived")
            : returnUrl is not null && returnUrl.StartsWith("/leads/archived", StringComparison.Ordinal)
                ? Redirect("/leads/archived")
                : Back(id, returnUrl);
    }

    private async Task<(Lead? Lead, IActionResult? Refusal)> EditableLeadAsync(Guid id, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        var lead = await db.Leads.VisibleTo(access).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return (null, NotFound());
        }

        return access.CanEdit(lead) ? (lead, null) : (null, Forbid());
    }

    private async Task<bool> IsVisibleAsync(Guid id, CancellationToken cancellationToken)
    {
        UserAccess access = await currentUser.RequireAccessAsync(cancellationToken);
        return await db.Leads.VisibleTo(access).AnyAsync(l => l.Id == id, cancellationToken);
    }

    private IActionResult Back(Guid id, string? returnUrl) =>
        returnUrl is not null && Url.IsLocalUrl(returnUrl) ? LocalRedirect(returnUrl) : Redirect($"/leads/{id}");
}
