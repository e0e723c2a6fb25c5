using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;

namespace DealToLead.Web.Pages.Leads;

/// <summary>
/// The fields a user may set on a lead by hand. Contacts' own fields are not here: they are edited on their pages.
/// Deal custom fields come from the form's <c>cf_</c> inputs (<see cref="Crm.CustomFieldForm"/>), as on the deal form.
/// </summary>
public sealed class LeadFormInput
{
    [Required, StringLength(LeadCommands.MaxTitleLength), Display(Name = "Title")]
    public string Title { get; set; } = string.Empty;

    public int? PersonId { get; set; }
    public int? OrganizationId { get; set; }
    public int? OwnerId { get; set; }
    public decimal? ValueAmount { get; set; }
    public string? ValueCurrency { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }

    [Range(0, 100), Display(Name = "Probability")]
    public int? Probability { get; set; }

    public Visibility Visibility { get; set; } = Visibility.EntireCompany;

    public static LeadFormInput From(Lead lead) => new()
    {
        Title = lead.Title,
        PersonId = lead.PersonId,
        OrganizationId = lead.OrganizationId,
        OwnerId = lead.OwnerId,
        ValueAmount = lead.ValueAmount,
        ValueCurrency = lead.ValueCurrency,
        ExpectedCloseDate = lead.ExpectedCloseDate,
        Probability = lead.Probability,
        Visibility = lead.Visibility,
    };

    /// <summary>The form holds every field, so an empty one clears it.</summary>
    public LeadChanges ToChanges(IReadOnlyDictionary<string, string> customFields) => new()
    {
        Title = Title,
        PersonId = PersonId,
        ClearPerson = PersonId is null,
        OrganizationId = OrganizationId,
        ClearOrganization = OrganizationId is null,
        OwnerId = OwnerId,
        ValueAmount = ValueAmount,
        ValueCurrency = ValueCurrency,
        ClearValue = ValueAmount is null,
        ExpectedCloseDate = ExpectedCloseDate,
        ClearExpectedCloseDate = ExpectedCloseDate is null,
        Probability = Probability,
        ClearProbability = Probability is null,
        Visibility = Visibility,
        CustomFields = customFields,
    };
}
