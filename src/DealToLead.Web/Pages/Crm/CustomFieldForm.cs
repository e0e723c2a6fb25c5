using System.Globalization;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Crm;

/// <summary>
/// Custom field inputs are named <c>cf_{key}</c> and read from the raw form, because a multiple-options field posts
/// one value per ticked box, which dictionary model binding would cut to the first.
/// </summary>
public static class CustomFieldForm
{
    public static string InputName(CustomFieldDefinition field) => $"cf_{field.Key}";

    public static Dictionary<string, string> Read(IFormCollection form, IEnumerable<CustomFieldDefinition> fields) =>
        fields.Where(f => !f.IsFormula)
            .ToDictionary(f => f.Key, f => string.Join(',', form[InputName(f)].Where(v => !string.IsNullOrWhiteSpace(v))));

    /// <summary>The names of the persons and organizations that person and organization fields among <paramref name="values"/> refer to.</summary>
    public static async Task<CustomFieldReferences> ReferencedNamesAsync(
        CrmDbContext db, IReadOnlyCollection<CustomFieldDefinition> fields, IEnumerable<IReadOnlyDictionary<string, string>> values, CancellationToken cancellationToken)
    {
        var all = values.ToList();
        List<int> Ids(CustomFieldType type) => fields.Where(f => f.Type == type)
            .SelectMany(f => all.Select(v => v.GetValueOrDefault(f.Key)))
            .Select(v => int.TryParse(v, CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().ToList();
        var personIds = Ids(CustomFieldType.PersonReference);
        var organizationIds = Ids(CustomFieldType.OrganizationReference);
        return new CustomFieldReferences(
            personIds.Count == 0 ? [] : await db.Persons.AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken),
            organizationIds.Count == 0 ? [] : await db.Organizations.AsNoTracking().Where(o => organizationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken));
    }

    public static string? Display(CustomFieldDefinition field, string? value, CustomFieldReferences references)
    {
        var (persons, organizations) = references;
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return field.Type switch
        {
            CustomFieldType.PersonReference when int.TryParse(value, CultureInfo.InvariantCulture, out var id) => persons.GetValueOrDefault(id, $"Person {id}"),
            CustomFieldType.OrganizationReference when int.TryParse(value, CultureInfo.InvariantCulture, out var id) => organizations.GetValueOrDefault(id, $"Organization {id}"),
            CustomFieldType.MultipleOptions => value.Replace(",", ", ", StringComparison.Ordinal),
            CustomFieldType.Number or CustomFieldType.Monetary when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) => Localization.Formats.Number(number),
            CustomFieldType.Date when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) => Localization.Formats.Date(date),
            _ => value,
        };
    }
}

public sealed record CustomFieldReferences(IReadOnlyDictionary<int, string> Persons, IReadOnlyDictionary<int, string> Organizations);

public sealed record CustomFieldInputs(
    IReadOnlyList<CustomFieldDefinition> Fields,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<(int Id, string Name)> Persons,
    IReadOnlyList<(int Id, string Name)> Organizations);
