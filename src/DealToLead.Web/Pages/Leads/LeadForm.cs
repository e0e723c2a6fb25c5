using System.ComponentModel.DataAnnotations;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Leads;

/// <summary>The fields a user may set on a lead by hand. Contacts' own fields are not here: they are edited on their pages.</summary>
public sealed class LeadFormInput
{
    [Required, StringLength(255)]
    public string Title { get; set; } = string.Empty;

    public int? PersonId { get; set; }
    public int? OrganizationId { get; set; }
    public int? OwnerId { get; set; }
    public decimal? ValueAmount { get; set; }
    public string? ValueCurrency { get; set; }
    public DateOnly? ExpectedCloseDate { get; set; }
    public Visibility Visibility { get; set; } = Visibility.EntireCompany;
    public Dictionary<string, string?> CustomFields { get; set; } = [];

    public static LeadFormInput From(Lead lead) => new()
    {
        Title = lead.Title,
        PersonId = lead.PersonId,
        OrganizationId = lead.OrganizationId,
        OwnerId = lead.OwnerId,
        ValueAmount = lead.ValueAmount,
        ValueCurrency = lead.ValueCurrency,
        ExpectedCloseDate = lead.ExpectedCloseDate,
        Visibility = lead.Visibility,
        CustomFields = lead.CustomFields.ToDictionary(kv => kv.Key, kv => (string?)kv.Value),
    };

    /// <summary>Checks references and copies onto the lead; only the deal custom fields that exist (and are not formulas) are taken.</summary>
    public async Task<bool> ApplyToAsync(Lead lead, CrmDbContext db, IReadOnlyList<CustomFieldDefinition> dealFields, ModelStateDictionary modelState, CancellationToken cancellationToken)
    {
        if (PersonId is null && OrganizationId is null)
        {
            modelState.AddModelError(string.Empty, "A lead needs a person or an organization.");
        }

        if (PersonId is { } personId && !await db.Persons.AnyAsync(p => p.Id == personId, cancellationToken))
        {
            modelState.AddModelError("Input.PersonId", "That person does not exist.");
        }

        if (OrganizationId is { } organizationId && !await db.Organizations.AnyAsync(o => o.Id == organizationId, cancellationToken))
        {
            modelState.AddModelError("Input.OrganizationId", "That organization does not exist.");
        }

        if (OwnerId is { } ownerId && !await db.Users.AnyAsync(u => u.Id == ownerId && u.IsActive, cancellationToken))
        {
            modelState.AddModelError("Input.OwnerId", "That owner does not exist.");
        }

        var currency = string.IsNullOrWhiteSpace(ValueCurrency) ? null : ValueCurrency.Trim().ToUpperInvariant();
        if (ValueAmount is not null && !Money.IsValidCurrency(currency))
        {
            modelState.AddModelError("Input.ValueCurrency", "Give the value's currency as a three-letter code, e.g. EUR.");
        }

        if (!modelState.IsValid)
        {
            return false;
        }

        lead.Title = Title.Trim();
        lead.PersonId = PersonId;
        lead.OrganizationId = OrganizationId;
        lead.OwnerId = OwnerId ?? lead.OwnerId;
        lead.ValueAmount = ValueAmount;
        lead.ValueCurrency = ValueAmount is null ? null : currency;
        lead.ExpectedCloseDate = ExpectedCloseDate;
        lead.Visibility = Visibility;
        var values = new Dictionary<string, string>(lead.CustomFields);
        foreach (var field in dealFields.Where(f => !f.IsFormula))
        {
            if (CustomFields.TryGetValue(field.Key, out var value))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    values.Remove(field.Key);
                }
                else
                {
                    values[field.Key] = value.Trim();
                }
            }
        }

        lead.CustomFields = values;
        return true;
    }
}
