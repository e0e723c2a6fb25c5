using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>Builds a lead for a test; <see cref="ConvertedFromDeal"/> has the real conversion service make it from a deal.</summary>
public sealed class LeadBuilder(int ownerId)
{
    private string _title = "Office chairs";
    private LeadSource _source = LeadSource.ManuallyCreated;
    private Visibility _visibility = Visibility.EntireCompany;
    private bool _archived;
    private bool _seen;
    private bool _convertedFromDeal;
    private DateTimeOffset? _createdAt;
    private decimal? _value;
    private Person? _person;
    private readonly List<Guid> _labels = [];

    public LeadBuilder Titled(string title) { _title = title; return this; }
    public LeadBuilder From(LeadSource source) { _source = source; return this; }
    public LeadBuilder Private() { _visibility = Visibility.OwnerOnly; return this; }
    public LeadBuilder Archived() { _archived = true; return this; }
    public LeadBuilder Seen() { _seen = true; return this; }
    public LeadBuilder CreatedAt(DateTimeOffset at) { _createdAt = at; return this; }
    public LeadBuilder Worth(decimal amount) { _value = amount; return this; }
    public LeadBuilder For(Person person) { _person = person; return this; }
    public LeadBuilder Labelled(Guid labelId) { _labels.Add(labelId); return this; }
    public LeadBuilder ConvertedFromDeal() { _convertedFromDeal = true; _source = LeadSource.Deal; return this; }

    public async Task<Lead> BuildAsync(CrmDbContext db)
    {
        if (_convertedFromDeal)
        {
            return await ConvertAsync(db);
        }

        var lead = new Lead
        {
            Title = _title,
            Source = _source,
            OwnerId = ownerId,
            CreatorId = ownerId,
            Person = _person ?? new Person { Name = "Bo Berg", Emails = ["bo@berg.example"] },
            Visibility = _visibility,
            IsArchived = _archived,
            WasSeen = _seen,
            ValueAmount = _value,
            ValueCurrency = _value is null ? null : "EUR",
            LabelIds = [.. _labels],
            CreatedAt = _createdAt ?? default,
        };
        db.Leads.Add(lead);
        await db.SaveChangesAsync();
        return lead;
    }

    /// <summary>A lead as a real conversion makes it (the conversion service, so with its conversion row), then the builder's own choices.</summary>
    private async Task<Lead> ConvertAsync(CrmDbContext db)
    {
        var deal = new DealBuilder(ownerId).Titled(_title).WithWorld(upcoming: 2, done: 1, notes: 1, emails: 1, invoices: 0, history: 0);
        var built = await (_visibility == Visibility.OwnerOnly ? deal.Private() : deal).BuildAsync(db);
        var owner = await UserAccess.LoadAsync(db, ownerId);
        var outcome = await new DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(owner!, built.Id);
        var leadId = outcome!.LeadId ?? throw new InvalidOperationException($"The conversion was refused: {outcome.Reason}");
        var lead = await db.Leads.SingleAsync(l => l.Id == leadId);
        lead.IsArchived = _archived;
        lead.WasSeen = _seen;
        lead.LabelIds = [.. _labels];
        lead.CreatedAt = _createdAt ?? lead.CreatedAt;
        (lead.ValueAmount, lead.ValueCurrency) = _value is null ? (lead.ValueAmount, lead.ValueCurrency) : (_value, "EUR");
        lead.Person = _person ?? lead.Person;
        await db.SaveChangesAsync();
        return lead;
    }
}
