namespace DealToLead.Core.CustomFields;

public enum CustomFieldEntity
{
    Deal,
    Person,
    Organization,
}

public enum CustomFieldType
{
    Text,
    LargeText,
    Number,
    Monetary,
    Date,
    SingleOption,
    MultipleOptions,
    PersonReference,
    OrganizationReference,
    Formula,
}

public class CustomFieldDefinition
{
    public int Id { get; set; }
    public CustomFieldEntity Entity { get; set; }

    /// <summary>Stable key used in the API and as the key in each entity's jsonb values; never changes on rename.</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }
    public CustomFieldType Type { get; set; }
    public List<string> Options { get; set; } = [];

    /// <summary>For <see cref="CustomFieldType.Formula"/>: an expression over the deal's numeric fields.</summary>
    public string? FormulaExpression { get; set; }

    public int OrderNr { get; set; }

    public bool IsFormula => Type == CustomFieldType.Formula;

    public static string NewKey() => Guid.NewGuid().ToString("N")[..20];
}
