using System.Globalization;
using DealToLead.Core.CustomFields;

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

    public static string? Display(CustomFieldDefinition field, string? value, IReadOnlyDictionary<int, string> persons, IReadOnlyDictionary<int, string> organizations)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return field.Type switch
        {
            CustomFieldType.PersonReference when int.TryParse(value, CultureInfo.InvariantCulture, out var id) => persons.GetValueOrDefault(id, $"Person {id}"),
            CustomFieldType.OrganizationReference when int.TryParse(value, CultureInfo.InvariantCulture, out var id) => organizations.GetValueOrDefault(id, $"Organization {id}"),
            CustomFieldType.MultipleOptions => value.Replace(",", ", ", StringComparison.Ordinal),
            _ => value,
        };
    }
}

public sealed record CustomFieldInputs(
    IReadOnlyList<CustomFieldDefinition> Fields,
    IReadOnlyDictionary<string, string> Values,
    IReadOnlyList<(int Id, string Name)> Persons,
    IReadOnlyList<(int Id, string Name)> Organizations);
