using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Deals;

public class DetailModel(CrmDbContext db, CurrentUser currentUser, DealCommands commands, TimeProvider clock) : PageModel
{
    public UserAccess Access { get; private set; } = null!;
    public Deal Deal { get; private set; } = null!;
    public bool CanEdit { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public List<CustomFieldDefinition> Fields { get; private set; } = [];
    public Dictionary<int, string> PersonNames { get; private set; } = [];
    public Dictionary<int, string> OrganizationNames { get; private set; } = [];
    public List<Activity> Activities { get; private set; } = [];
    public List<Note> Notes { get; private set; } = [];
    public List<EmailMessage> Emails { get; private set; } = [];
    public List<Invoice> Invoices { get; private set; } = [];
    public List<DealHistoryEntry> History { get; private set; } = [];
    public string? DeletedByName { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id)
    {
        Access = await currentUser.RequireAccessAsync();
        Now = clock.GetUtcNow();
        var deal = await db.Deals.IgnoreQueryFilters().AsNoTracking()
            .Include(d => d.Person).ThenInclude(p => p!.Organization)
            .Include(d => d.Organization).Include(d => d.Owner).Include(d => d.Pipeline).Include(d => d.Stage)
            .FirstOrDefaultAsync(d => d.Id == id);
        if (deal is null || !Access.CanSee(deal))
        {
            return NotFound();
        }

        Deal = deal;
        CanEdit = !deal.IsDeleted && Access.CanEdit(deal);
        Fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync();
        var personIds = ReferencedIds(CustomFieldType.PersonReference);
        var orgIds = ReferencedIds(CustomFieldType.OrganizationReference);
        PersonNames = await db.Persons.AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name);
        OrganizationNames = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name);
        Activities = await db.Activities.AsNoTracking().Include(a => a.Owner).Where(a => a.DealId == id).OrderBy(a => a.DueDate).ThenBy(a => a.DueTime).ToListAsync();
        Notes = await db.Notes.AsNoTracking().Include(n => n.Author).Where(n => n.DealId == id).OrderByDescending(n => n.CreatedAt).ToListAsync();
        Emails = await db.Emails.AsNoTracking().Where(e => e.DealId == id).OrderByDescending(e => e.SentAt).ToListAsync();
        Invoices = await db.Invoices.AsNoTracking().Where(i => i.DealId == id).OrderByDescending(i => i.IssuedOn).ToListAsync();
        History = await db.DealHistory.AsNoTracking().Include(h => h.User).Where(h => h.DealId == id).OrderByDescending(h => h.At).ThenByDescending(h => h.Id).ToListAsync();
        if (deal.DeletedById is { } deletedBy)
        {
            DeletedByName = await db.Users.Where(u => u.Id == deletedBy).Select(u => u.DisplayName).FirstOrDefaultAsync();
        }

        return Page();
    }

    public string? DisplayValue(CustomFieldDefinition field) => field.IsFormula
        ? FormulaEvaluator.Evaluate(field.FormulaExpression ?? string.Empty, Deal, Fields)?.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)
        : Crm.CustomFieldForm.Display(field, Deal.CustomFields.GetValueOrDefault(field.Key), PersonNames, OrganizationNames);

    public string FieldName(string field) => field switch
    {
        "title" => "Title",
        "value" => "Value",
        "currency" => "Currency",
        "expected_close_date" => "Expected close date",
        "probability" => "Probability",
        "owner_id" => "Owner",
        "person_id" => "Person",
        "org_id" => "Organization",
        "pipeline_id" => "Pipeline",
        "stage_id" => "Stage",
        "visible_to" => "Visibility",
        "labels" => "Labels",
        "status" => "Status",
        "lost_reason" => "Lost reason",
        "created" => "Deal created",
        "deleted" => "Deal deleted",
        "restored" => "Deal restored",
        _ => Fields.FirstOrDefault(f => f.Key == field)?.Name ?? field,
    };

    public async Task<IActionResult> OnPostWonAsync(int id) =>
        Outcome(await commands.MarkWonAsync(await currentUser.RequireAccessAsync(), id), "Deal marked as won.", id);

    public async Task<IActionResult> OnPostLostAsync(int id, string? lostReason) =>
        Outcome(await commands.MarkLostAsync(await currentUser.RequireAccessAsync(), id, lostReason), "Deal marked as lost.", id);

    public async Task<IActionResult> OnPostReopenAsync(int id) =>
        Outcome(await commands.ReopenAsync(await currentUser.RequireAccessAsync(), id), "Deal reopened.", id);

    public async Task<IActionResult> OnPostDeleteAsync(int id) =>
        Outcome(await commands.DeleteAsync(await currentUser.RequireAccessAsync(), id), "Deal deleted. It can be restored for 30 days.", id);

    public async Task<IActionResult> OnPostRestoreAsync(int id) =>
        Outcome(await commands.RestoreAsync(await currentUser.RequireAccessAsync(), id), "Deal restored.", id);

    public async Task<IActionResult> OnPostAddActivityAsync(int id, ActivityType type, string? subject, DateOnly? dueDate, TimeOnly? dueTime, int? durationMinutes, string? note)
    {
        var (deal, refusal) = await EditableDealAsync(id);
        if (deal is null)
        {
            return refusal!;
        }

        if (string.IsNullOrWhiteSpace(subject) || dueDate is null)
        {
            TempData["FlashError"] = "An activity needs a subject and a due date.";
            return RedirectToPage(new { id });
        }

        db.Activities.Add(new Activity
        {
            Type = type,
            Subject = subject.Trim(),
            DueDate = dueDate.Value,
            DueTime = dueTime,
            Duration = durationMinutes is > 0 ? TimeSpan.FromMinutes(durationMinutes.Value) : null,
            OwnerId = Access.UserId,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            DealId = deal.Id,
            PersonId = deal.PersonId,
            OrganizationId = deal.OrganizationId,
            CreatedAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
        TempData["Flash"] = "Activity added.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostCompleteActivityAsync(int id, int activityId)
    {
        var (deal, refusal) = await EditableDealAsync(id);
        if (deal is null)
        {
            return refusal!;
        }

        var now = clock.GetUtcNow();
        await db.Activities.Where(a => a.Id == activityId && a.DealId == id)
            .ExecuteUpdateAsync(a => a.SetProperty(x => x.Done, true).SetProperty(x => x.DoneAt, now));
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostAddNoteAsync(int id, string? content)
    {
        var (deal, refusal) = await EditableDealAsync(id);
        if (deal is null)
        {
            return refusal!;
        }

        if (HtmlCleaner.NoteRefusal(content) is { } tooComplex)
        {
            TempData["FlashError"] = $"The note was not added. {tooComplex}";
            return RedirectToPage(new { id });
        }

        var clean = HtmlCleaner.Clean(content);
        if (string.IsNullOrWhiteSpace(clean))
        {
            TempData["FlashError"] = "A note cannot be empty.";
            return RedirectToPage(new { id });
        }

        db.Notes.Add(new Note { Content = clean, AuthorId = Access.UserId, DealId = deal.Id, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync();
        TempData["Flash"] = "Note added.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostUploadEmailAsync(int id, IFormFile? eml)
    {
        var (deal, refusal) = await EditableDealAsync(id);
        if (deal is null)
        {
            return refusal!;
        }

        if (eml is null || eml.Length == 0 || eml.Length > 25 * 1024 * 1024)
        {
            TempData["FlashError"] = "Choose an .eml file (up to 25 MB).";
            return RedirectToPage(new { id });
        }

        await using var stream = eml.OpenReadStream();
        var email = await EmlImport.ParseAsync(stream, deal.Id, clock.GetUtcNow());
        if (email is null)
        {
            TempData["FlashError"] = "That file is not an email message (.eml).";
            return RedirectToPage(new { id });
        }

        db.Emails.Add(email);
        await db.SaveChangesAsync();
        TempData["Flash"] = "Email attached.";
        return RedirectToPage(new { id });
    }

    private async Task<(Deal? Deal, IActionResult? Refusal)> EditableDealAsync(int id)
    {
        Access = await currentUser.RequireAccessAsync();
        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id);
        if (deal is null || !Access.CanSee(deal))
        {
            return (null, NotFound());
        }

        return Access.CanEdit(deal) ? (deal, null) : (null, Forbid());
    }

    private List<int> ReferencedIds(CustomFieldType type) =>
        Fields.Where(f => f.Type == type)
            .Select(f => Deal.CustomFields.GetValueOrDefault(f.Key))
            .Select(v => int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0).ToList();

    private IActionResult Outcome(DealCommandResult result, string success, int id)
    {
        switch (result.Status)
        {
            case DealCommandStatus.NotFound:
                return NotFound();
            case DealCommandStatus.Forbidden:
                return Forbid();
            case DealCommandStatus.Invalid:
                TempData["FlashError"] = result.Error;
                break;
            default:
                TempData["Flash"] = success;
                break;
        }

        return RedirectToPage(new { id });
    }
}
