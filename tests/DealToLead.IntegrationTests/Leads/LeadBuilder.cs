using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>Builds a lead for a test; <see cref="ConvertedFromDeal"/> makes one as the conversion leaves it (soft-deleted deal, log entry).</summary>
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
        Deal? deal = null;
        if (_convertedFromDeal)
        {
            deal = await new DealBuilder(ownerId).Titled(_title).WithWorld(upcoming: 2, done: 1, notes: 1, emails: 1, invoices: 0, history: 0).BuildAsync(db);
            deal.DeletedAt = DateTimeOffset.UtcNow;
            deal.DeletedById = ownerId;
            await db.SaveChangesAsync();
        }

        var person = _person ?? deal?.Person ?? new Person { Name = "Bo Berg", Emails = ["bo@berg.example"] };
        var lead = new Lead
        {
            Title = _title,
            Source = _source,
            OwnerId = ownerId,
            CreatorId = ownerId,
            Person = person,
            OrganizationId = deal?.OrganizationId,
            Visibility = _visibility,
            IsArchived = _archived,
            WasSeen = _seen,
            OriginDealId = deal?.Id,
            ValueAmount = _value,
            ValueCurrency = _value is null ? null : "EUR",
            LabelIds = [.. _labels],
            CreatedAt = _createdAt ?? default,
        };
        db.Leads.Add(lead);
        if (deal is not null)
        {
            db.LeadLog.Add(new LeadLogEntry { LeadId = lead.Id, At = DateTimeOffset.UtcNow, UserId = ownerId, Kind = LeadLogKind.ConvertedFromDeal, DealId = deal.Id });
            await db.SaveChangesAsync();
            await db.Activities.Where(a => a.DealId == deal.Id && !a.Done).ExecuteUpdateAsync(s => s.SetProperty(a => a.LeadId, lead.Id).SetProperty(a => a.DealId, (int?)null).SetProperty(a => a.MovedFromDealId, deal.Id));
            await db.Notes.Where(n => n.DealId == deal.Id).ExecuteUpdateAsync(s => s.SetProperty(n => n.LeadId, lead.Id).SetProperty(n => n.DealId, (int?)null).SetProperty(n => n.MovedFromDealId, deal.Id));
            await db.Emails.Where(e => e.DealId == deal.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.LeadId, lead.Id).SetProperty(e => e.DealId, (int?)null).SetProperty(e => e.MovedFromDealId, deal.Id));
        }

        await db.SaveChangesAsync();
        return lead;
    }
}
