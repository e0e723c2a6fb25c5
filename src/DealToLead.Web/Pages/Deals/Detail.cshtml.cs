using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Files;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Pages.Deals;

public class DetailModel(CrmDbContext db, CurrentUser currentUser, DealCommands commands, ActivityCommands activities, NoteCommands notes, EmailCommands emails, FileCommands files, IOptions<SmartBccOptions> bcc, TimeProvider clock, IStringLocalizer<DealsText> text) : PageModel
{
    public UserAccess Access { get; private set; } = null!;
    public Deal Deal { get; private set; } = null!;
    public bool CanEdit { get; private set; }
    public DateTimeOffset Now { get; private set; }
    public List<CustomFieldDefinition> Fields { get; private set; } = [];
    public CustomFieldReferences References { get; private set; } = new(new Dictionary<int, string>(), new Dictionary<int, string>());
    public List<Activity> Activities { get; private set; } = [];
    public List<Note> Notes { get; private set; } = [];
    public Core.Mail.EmailThreadList EmailThreads { get; private set; } = null!;
    public string BccAddress { get; private set; } = string.Empty;
    public List<AttachedFile> Files { get; private set; } = [];
    public List<Invoice> Invoices { get; private set; } = [];
    public List<DealHistoryEntry> History { get; private set; } = [];
    public string? DeletedByName { get; private set; }

    /// <summary>Why the "..." menu cannot offer Convert to lead (a won deal, say), or null when it can.</summary>
    public Refusal? ConvertRefusal { get; private set; }

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
        ConvertRefusal = ConversionRules.DealToLead(Access, deal, convertedBefore: false);
        Fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync();
        References = await CustomFieldForm.ReferencedNamesAsync(db, Fields, [deal.CustomFields], HttpContext.RequestAborted);
        Activities = await db.Activities.AsNoTracking().Include(a => a.Owner).Where(a => a.DealId == id).OrderBy(a => a.DueDate).ThenBy(a => a.DueTime).ToListAsync();
        Notes = await db.Notes.AsNoTracking().Include(n => n.Author).Where(n => n.DealId == id).OrderByDescending(n => n.CreatedAt).ToListAsync();
        EmailThreads = await Core.Mail.EmailThreads.LoadAsync(db, ItemParent.Deal(id), HttpContext.RequestAborted);
        BccAddress = bcc.Value.DealAddress(id, await CompanySettings.MailSecretAsync(db, HttpContext.RequestAborted));
        Files = await db.Files.AsNoTracking().Include(f => f.UploadedBy).Where(f => f.DealId == id).OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id).ToListAsync();
        Invoices = await db.Invoices.AsNoTracking().Where(i => i.DealId == id).OrderByDescending(i => i.IssuedOn).ToListAsync();
        History = await db.DealHistory.AsNoTracking().Include(h => h.User).Where(h => h.DealId == id).OrderByDescending(h => h.At).ThenByDescending(h => h.Id).ToListAsync();
        if (deal.DeletedById is { } deletedBy)
        {
            DeletedByName = await db.Users.Where(u => u.Id == deletedBy).Select(u => u.DisplayName).FirstOrDefaultAsync();
        }

        return Page();
    }

    public string? DisplayValue(CustomFieldDefinition field) => field.IsFormula
        ? (FormulaEvaluator.Evaluate(field.FormulaExpression ?? string.Empty, Deal, Fields) is { } computed ? Localization.Formats.Number(decimal.Round(computed, 2)) : null)
        : CustomFieldForm.Display(field, Deal.CustomFields.GetValueOrDefault(field.Key), References);

    public string FieldName(string field) => DealHistoryFields.Describe(field) ?? Fields.FirstOrDefault(f => f.Key == field)?.Name ?? field;

    /// <summary>The details panel's in-place edit (as the lead page has it): title, value, probability, expected close date.</summary>
    public async Task<IActionResult> OnPostDetailsAsync(int id, string? title, decimal? valueAmount, string? valueCurrency, int? probability, DateOnly? expectedCloseDate) =>
        Outcome(await commands.UpdateAsync(await currentUser.RequireAccessAsync(), id, new DealChanges
        {
            Title = title ?? string.Empty,
            ValueAmount = valueAmount ?? 0m,
            ValueCurrency = string.IsNullOrWhiteSpace(valueCurrency) ? null : valueCurrency.Trim().ToUpperInvariant(),
            Probability = probability,
            ClearProbability = probability is null,
            ExpectedCloseDate = expectedCloseDate,
            ClearExpectedCloseDate = expectedCloseDate is null,
        }), text["Deal saved."], id);

    public async Task<IActionResult> OnPostWonAsync(int id) =>
        Outcome(await commands.MarkWonAsync(await currentUser.RequireAccessAsync(), id), text["Deal marked as won."], id);

    public async Task<IActionResult> OnPostLostAsync(int id, string? lostReason) =>
        Outcome(await commands.MarkLostAsync(await currentUser.RequireAccessAsync(), id, lostReason), text["Deal marked as lost."], id);

    public async Task<IActionResult> OnPostReopenAsync(int id) =>
        Outcome(await commands.ReopenAsync(await currentUser.RequireAccessAsync(), id), text["Deal reopened."], id);

    public async Task<IActionResult> OnPostDeleteAsync(int id) =>
        Outcome(await commands.DeleteAsync(await currentUser.RequireAccessAsync(), id), text["Deal deleted. It can be restored for 30 days."], id);

    public async Task<IActionResult> OnPostRestoreAsync(int id) =>
        Outcome(await commands.RestoreAsync(await currentUser.RequireAccessAsync(), id), text["Deal restored."], id);

    public async Task<IActionResult> OnPostAddActivityAsync(int id, ActivityType type, string? subject, DateOnly? dueDate, TimeOnly? dueTime, int? durationMinutes, string? note)
    {
        var result = await activities.AddAsync(await currentUser.RequireAccessAsync(), new ActivityChanges
        {
            Type = type,
            Subject = subject,
            DueDate = dueDate,
            DueTime = dueTime,
            Duration = durationMinutes is > 0 ? TimeSpan.FromMinutes(durationMinutes.Value) : null,
            Note = note,
            Parent = ItemParent.Deal(id),
        });
        return result.ToPage(this, text["Activity added."], () => RedirectToPage(new { id }));
    }

    public async Task<IActionResult> OnPostCompleteActivityAsync(int id, int activityId) =>
        (await activities.CompleteAsync(await currentUser.RequireAccessAsync(), activityId)).ToPage(this, text["Activity marked as done."], () => RedirectToPage(new { id }));

    public async Task<IActionResult> OnPostAddNoteAsync(int id, string? content) =>
        (await notes.AddAsync(await currentUser.RequireAccessAsync(), new NoteChanges { Content = content, Parent = ItemParent.Deal(id) }))
            .ToPage(this, text["Note added."], () => RedirectToPage(new { id }));

    public async Task<IActionResult> OnPostUploadEmailAsync(int id, IFormFile? eml)
    {
        if (eml is null || eml.Length == 0 || eml.Length > EmlImport.MaxBytes)
        {
            TempData["FlashError"] = text["Choose an .eml file (up to {0} MB).", EmlImport.MaxBytes / 1024 / 1024].Value;
            return RedirectToPage(new { id });
        }

        await using var stream = eml.OpenReadStream();
        return (await emails.AttachEmlAsync(await currentUser.RequireAccessAsync(), ItemParent.Deal(id), stream))
            .ToPage(this, text["Email attached."], () => RedirectToPage(new { id }));
    }

    public async Task<IActionResult> OnPostUploadFileAsync(int id, IFormFile? file)
    {
        if (file is null)
        {
            TempData["FlashError"] = text["Choose a file to upload."].Value;
            return RedirectToPage(new { id });
        }

        await using var stream = file.OpenReadStream();
        return (await files.AttachAsync(await currentUser.RequireAccessAsync(), ItemParent.Deal(id), file.FileName, stream))
            .ToPage(this, text["File attached."], () => RedirectToPage(new { id }));
    }

    public async Task<IActionResult> OnPostDeleteFileAsync(int id, int fileId) =>
        (await files.DeleteAsync(await currentUser.RequireAccessAsync(), fileId)).ToPage(this, text["File deleted."], () => RedirectToPage(new { id }));

    private IActionResult Outcome(CommandResult<Deal> result, string success, int id) => result.ToPage(this, success, () => RedirectToPage(new { id }));
}
