using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Deals;

/// <summary>
/// The fields of the edit and new-deal forms. The forms ask for a contact, although a deal does not need one
/// (the API, like Pipedrive's, accepts a deal with only a title): a deal made by hand should say who it is with.
/// </summary>
public sealed class DealFormInput : IValidatableObject
{

    public string Title { get; set; } = string.Empty;
    public decimal Value { get; set; }
    public string Currency { get; set; } = "EUR";
    public DateOnly? ExpectedCloseDate { get; set; }
    public int? Probability { get; set; }
    public int OwnerId { get; set; }
    public int? PersonId { get; set; }
    public int? OrganizationId { get; set; }
    public int StageId { get; set; }
    public Visibility Visibility { get; set; } = Visibility.EntireCompany;
    public string? Labels { get; set; }

    public static DealFormInput From(Deal deal) => new()
    {
        Title = deal.Title,
        Value = deal.ValueAmount,
        Currency = deal.ValueCurrency,
        ExpectedCloseDate = deal.ExpectedCloseDate,
        Probability = deal.Probability,
        OwnerId = deal.OwnerId,
        PersonId = deal.PersonId,
        OrganizationId = deal.OrganizationId,
        StageId = deal.StageId,
        Visibility = deal.Visibility,
        Labels = string.Join(", ", deal.Labels),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PersonId is null && OrganizationId is null)
        {
            yield return new ValidationResult("A deal needs a person or an organization.", [nameof(PersonId), nameof(OrganizationId)]);
        }
    }

    public DealChanges ToChanges(Dictionary<string, string> customFields) => new()
    {
        Title = Title ?? string.Empty,
        ValueAmount = Value,
        ValueCurrency = (Currency ?? string.Empty).Trim().ToUpperInvariant(),
        ExpectedCloseDate = ExpectedCloseDate,
        ClearExpectedCloseDate = ExpectedCloseDate is null,
        Probability = Probability,
        ClearProbability = Probability is null,
        OwnerId = OwnerId,
        PersonId = PersonId,
        ClearPerson = PersonId is null,
        OrganizationId = OrganizationId,
        ClearOrganization = OrganizationId is null,
        StageId = StageId,
        Visibility = Visibility,
        Labels = (Labels ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList(),
        CustomFields = customFields,
    };
}

/// <summary>The choices the deal form offers, loaded once for the edit and new pages.</summary>
public sealed record DealFormChoices(
    List<Core.Crm.Pipeline> Pipelines,
    List<(int Id, string Name)> Owners,
    List<(int Id, string Name)> Persons,
    List<(int Id, string Name)> Organizations,
    List<CustomFieldDefinition> Fields)
{
    public static async Task<DealFormChoices> LoadAsync(CrmDbContext db)
    {
        var pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr))
            .OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ToListAsync();
        var owners = await UserOption.Active(db).ToListAsync();
        var persons = await db.Persons.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync();
        var orgs = await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync();
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr).ToListAsync();
        return new DealFormChoices(pipelines,
            owners.Select(o => (o.Id, o.Name)).ToList(),
            persons.Select(p => (p.Id, p.Name)).ToList(),
            orgs.Select(o => (o.Id, o.Name)).ToList(),
            fields);
    }
}
