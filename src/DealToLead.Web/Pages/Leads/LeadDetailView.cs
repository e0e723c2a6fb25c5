using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Files;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Pages.Crm;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

public sealed record FieldValue(string Name, string? Value);

public sealed record LogLine(LeadLogKind Kind, DateTimeOffset At, string? UserName, int? DealId);

/// <summary>Why a lead converted from a deal offers no Undo, so the page can say so instead of offering it.</summary>
public enum UndoUnavailable
{
    None,
    DealRestored,
    Expired,
    NotOwner,
}

/// <summary>Everything the lead detail (panel and page) shows, loaded with a handful of queries.</summary>
public sealed class LeadDetailView
{
    public required Lead Lead { get; init; }
    public required string OwnerName { get; init; }
    public required IReadOnlyList<LeadLabel> AllLabels { get; init; }
    public required IReadOnlyList<FieldValue> DealFields { get; init; }
    public required IReadOnlyList<FieldValue> PersonFields { get; init; }
    public required IReadOnlyList<FieldValue> OrganizationFields { get; init; }
    public required IReadOnlyList<Activity> UpcomingActivities { get; init; }
    public required IReadOnlyList<(Note Note, string? Author)> Notes { get; init; }
    public required Core.Mail.EmailThreadList EmailThreads { get; init; }
    public required string BccAddress { get; init; }
    public required IReadOnlyList<AttachedFile> Files { get; init; }
    public required IReadOnlyList<LogLine> Log { get; init; }
    public required IReadOnlyList<Core.Crm.Pipeline> Pipelines { get; init; }
    public required bool CanEdit { get; init; }
    public required bool CanConvert { get; init; }
    public required bool CanUndo { get; init; }
    public required UndoUnavailable UndoUnavailable { get; init; }

    /// <summary>On the lead page (its own h1, no link to itself) rather than in the inbox panel.</summary>
    public bool IsPage { get; set; }

    /// <summary>Where the detail's forms send the user back to: the inbox with this lead selected, or the lead page.</summary>
    public string ReturnUrl { get; set; } = "/leads";

    public IEnumerable<LeadLabel> AppliedLabels => AllLabels.Where(l => Lead.LabelIds.Contains(l.Id));

    public static async Task<LeadDetailView?> LoadAsync(CrmDbContext db, UserAccess user, Guid id, TimeProvider clock, Core.Leads.SmartBccOptions bcc, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking().VisibleTo(user)
            .Include(l => l.Owner).Include(l => l.Person).ThenInclude(p => p!.Organization).Include(l => l.Organization)
            .FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return null;
        }

        if (!lead.WasSeen)
        {
            await db.Leads.Where(l => l.Id == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.WasSeen, true), cancellationToken);
        }

        var definitions = await db.CustomFields.AsNoTracking().OrderBy(f => f.Entity).ThenBy(f => f.OrderNr).ToListAsync(cancellationToken);
        var references = await CustomFieldForm.ReferencedNamesAsync(db, definitions,
            [lead.CustomFields, lead.Person?.CustomFields ?? [], lead.Organization?.CustomFields ?? []], cancellationToken);
        var canConvert = user.CanConvert(lead);
        var now = clock.GetUtcNow();
        // A deal restored from the deleted list leaves nothing to undo: say so rather than offer an Undo that is refused.
        var originDealRestored = lead.OriginDealId is { } originId
            && await db.Deals.IgnoreQueryFilters().AnyAsync(d => d.Id == originId && d.DeletedAt == null, cancellationToken);
        var offersUndo = ConversionRules.OffersUndo(user, lead, now);
        var undoUnavailable = lead.Source != LeadSource.Deal || lead.OriginDealId is null ? UndoUnavailable.None
            : originDealRestored ? UndoUnavailable.DealRestored
            : !canConvert ? UndoUnavailable.NotOwner
            : !offersUndo ? UndoUnavailable.Expired
            : UndoUnavailable.None;
        return new LeadDetailView
        {
            Lead = lead,
            OwnerName = lead.Owner?.DisplayName ?? string.Empty,
            AllLabels = await LeadLabel.AllByName(db).ToListAsync(cancellationToken),
            DealFields = Values(definitions, CustomFieldEntity.Deal, lead.CustomFields, references),
            PersonFields = lead.Person is null ? [] : Values(definitions, CustomFieldEntity.Person, lead.Person.CustomFields, references),
            OrganizationFields = lead.Organization is null ? [] : Values(definitions, CustomFieldEntity.Organization, lead.Organization.CustomFields, references),
            UpcomingActivities = await db.Activities.AsNoTracking().Where(a => a.LeadId == id && !a.Done)
                .OrderBy(a => a.DueDate).ThenBy(a => a.DueTime).ToListAsync(cancellationToken),
            Notes = (await db.Notes.AsNoTracking().Where(n => n.LeadId == id).OrderByDescending(n => n.CreatedAt)
                .Select(n => new { Note = n, Author = n.Author!.DisplayName }).ToListAsync(cancellationToken))
                .Select(n => (n.Note, (string?)n.Author)).ToList(),
            EmailThreads = await Core.Mail.EmailThreads.LoadAsync(db, ItemParent.Lead(id), cancellationToken),
            BccAddress = bcc.LeadAddress(id),
            Files = await db.Files.AsNoTracking().Include(f => f.UploadedBy).Where(f => f.LeadId == id)
                .OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id).ToListAsync(cancellationToken),
            Log = await db.LeadLog.AsNoTracking().Where(e => e.LeadId == id).OrderByDescending(e => e.At)
                .Select(e => new LogLine(e.Kind, e.At, e.User!.DisplayName, e.DealId)).ToListAsync(cancellationToken),
            Pipelines = canConvert
                ? await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr)).OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ToListAsync(cancellationToken)
                : [],
            CanEdit = user.CanEdit(lead),
            CanConvert = canConvert,
            CanUndo = offersUndo && !originDealRestored,
            UndoUnavailable = undoUnavailable,
        };
    }

    private static List<FieldValue> Values(List<CustomFieldDefinition> definitions, CustomFieldEntity entity, Dictionary<string, string> values, CustomFieldReferences references) =>
        definitions.Where(d => d.Entity == entity && !d.IsFormula)
            .Select(d => new FieldValue(d.Name, CustomFieldForm.Display(d, values.GetValueOrDefault(d.Key), references)))
            .ToList();
}
