using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>The one deal builder of the tests: a deal with its world (contacts, activities, notes, emails, invoices, history).</summary>
public sealed class DealBuilder(int ownerId)
{
    private string _title = "Website redesign";
    private DealStatus _status = DealStatus.Open;
    private Visibility _visibility = Visibility.EntireCompany;
    private int _upcoming;
    private int _done;
    private int _notes;
    private int _emails;
    private int _invoices;
    private int _history;
    private readonly Dictionary<string, string> _customFields = [];
    private (int PipelineId, int StageId)? _stage;
    private (int? PersonId, int? OrganizationId)? _contacts;
    private decimal _value = 12_000m;
    private string _currency = "SEK";
    private int? _probability = 40;
    private DateTimeOffset? _deletedAt;

    public DealBuilder Titled(string title) { _title = title; return this; }
    public DealBuilder WithStatus(DealStatus status) { _status = status; return this; }
    public DealBuilder Private() { _visibility = Visibility.OwnerOnly; return this; }
    public DealBuilder WithCustomField(string key, string value) { _customFields[key] = value; return this; }
    public DealBuilder WithCustomFields(IReadOnlyDictionary<string, string> values) { foreach (var (k, v) in values) { _customFields[k] = v; } return this; }
    public DealBuilder InStage(int pipelineId, int stageId) { _stage = (pipelineId, stageId); return this; }
    public DealBuilder For(int? personId, int? organizationId) { _contacts = (personId, organizationId); return this; }
    public DealBuilder Worth(decimal value, string currency = "EUR") { (_value, _currency) = (value, currency); return this; }
    public DealBuilder WithProbability(int? probability) { _probability = probability; return this; }
    public DealBuilder DeletedAt(DateTimeOffset? at) { _deletedAt = at; return this; }

    public DealBuilder WithWorld(int upcoming = 3, int done = 5, int notes = 4, int emails = 6, int invoices = 2, int history = 3)
    {
        (_upcoming, _done, _notes, _emails, _invoices, _history) = (upcoming, done, notes, emails, invoices, history);
        return this;
    }

    public async Task<Deal> BuildAsync(CrmDbContext db)
    {
        var (pipelineId, stageId) = _stage ?? await FirstStageAsync(db);
        var deal = new Deal
        {
            Title = _title,
            ValueAmount = _value,
            ValueCurrency = _currency,
            ExpectedCloseDate = new DateOnly(2027, 3, 31),
            Probability = _probability,
            Status = _status,
            LostReason = _status == DealStatus.Lost ? "No budget" : null,
            OwnerId = ownerId,
            PipelineId = pipelineId,
            StageId = stageId,
            Visibility = _visibility,
            Labels = ["Hot"],
            CustomFields = new Dictionary<string, string>(_customFields),
            DeletedAt = _deletedAt,
            DeletedById = _deletedAt is null ? null : ownerId,
        };
        if (_contacts is var (personId, organizationId))
        {
            (deal.PersonId, deal.OrganizationId) = (personId, organizationId);
        }
        else
        {
            deal.Organization = new Organization { Name = "Acme AB", Address = "Storgatan 1, Stockholm" };
            deal.Person = new Person { Name = "Alva Andersson", Emails = ["alva@acme.example"], Organization = deal.Organization };
        }

        db.Deals.Add(deal);
        await db.SaveChangesAsync();

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 0; i < _upcoming; i++)
        {
            db.Activities.Add(new Activity { Subject = $"Upcoming {i}", DueDate = today.AddDays(i + 1), OwnerId = ownerId, DealId = deal.Id });
        }

        for (var i = 0; i < _done; i++)
        {
            db.Activities.Add(new Activity { Subject = $"Done {i}", DueDate = today.AddDays(-i - 1), Done = true, DoneAt = DateTimeOffset.UtcNow.AddDays(-i - 1), OwnerId = ownerId, DealId = deal.Id });
        }

        for (var i = 0; i < _notes; i++)
        {
            db.Notes.Add(new Note { Content = $"<p>Note {i}</p>", AuthorId = ownerId, DealId = deal.Id });
        }

        for (var i = 0; i < _emails; i++)
        {
            db.Emails.Add(new EmailMessage { From = "alva@acme.example", To = ["rep@dealtolead.local"], Subject = $"Email {i}", SentAt = DateTimeOffset.UtcNow, DealId = deal.Id, LinkedVia = i % 2 == 0 ? EmailLinkKind.Sync : EmailLinkKind.Bcc });
        }

        for (var i = 0; i < _invoices; i++)
        {
            db.Invoices.Add(new Invoice { DealId = deal.Id, Number = $"INV-{deal.Id}-{i}", Amount = 1_000m, Currency = "SEK", IssuedOn = today });
        }

        for (var i = 0; i < _history; i++)
        {
            db.DealHistory.Add(new DealHistoryEntry { DealId = deal.Id, At = DateTimeOffset.UtcNow, UserId = ownerId, Field = "value", OldValue = i.ToString(System.Globalization.CultureInfo.InvariantCulture), NewValue = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        await db.SaveChangesAsync();
        return deal;
    }

    public static async Task<CustomFieldDefinition> AddWeightedValueFormulaAsync(CrmDbContext db)
    {
        var field = new CustomFieldDefinition { Entity = CustomFieldEntity.Deal, Key = "weighted_value", Name = "Weighted value", Type = CustomFieldType.Formula, FormulaExpression = "value * probability / 100" };
        db.CustomFields.Add(field);
        await db.SaveChangesAsync();
        return field;
    }

    private static async Task<(int PipelineId, int StageId)> FirstStageAsync(CrmDbContext db)
    {
        var stage = await db.Stages.OrderBy(s => s.Id).FirstOrDefaultAsync() ?? await CreatePipelineAsync(db);
        return (stage.PipelineId, stage.Id);
    }

    private static async Task<Stage> CreatePipelineAsync(CrmDbContext db)
    {
        var pipeline = new Pipeline
        {
            Name = "Sales",
            IsDefault = true,
            Stages = [new Stage { Name = "Qualified", OrderNr = 0 }, new Stage { Name = "Proposal", OrderNr = 1 }],
        };
        var other = new Pipeline { Name = "Partnerships", OrderNr = 1, Stages = [new Stage { Name = "Identified", OrderNr = 0 }] };
        db.Pipelines.AddRange(pipeline, other);
        await db.SaveChangesAsync();
        return pipeline.Stages[0];
    }
}
