using System.Globalization;
using DealToLead.Core.Crm;
using NCalc;

namespace DealToLead.Core.CustomFields;

/// <summary>
/// Formula fields are computed on read from the deal's numeric fields and never stored, which is also
/// why a conversion cannot carry them into a lead.
/// </summary>
public static class FormulaEvaluator
{
    public static decimal? Evaluate(string expression, Deal deal, IEnumerable<CustomFieldDefinition> dealFields)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["value"] = deal.ValueAmount,
            ["probability"] = (decimal)(deal.Probability ?? 0),
        };
        foreach (var field in dealFields.Where(f => f.Type is CustomFieldType.Number or CustomFieldType.Monetary))
        {
            if (deal.CustomFields.TryGetValue(field.Key, out var raw)
                && decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                parameters[field.Key] = number;
            }
        }

        return Evaluate(expression, parameters);
    }

    public static decimal? Evaluate(string expression, IDictionary<string, object?> parameters)
    {
        try
        {
            var compiled = new Expression(expression, ExpressionOptions.DecimalAsDefault);
            foreach (var (name, value) in parameters)
            {
                compiled.Parameters[name] = value;
            }

            var result = compiled.Evaluate();
            return result is null ? null : Convert.ToDecimal(result, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is NCalc.Exceptions.NCalcException or ArgumentException or FormatException or InvalidCastException or OverflowException or DivideByZeroException)
        {
            return null;
        }
    }

    public static bool IsValid(string expression) =>
        !string.IsNullOrWhiteSpace(expression) && !new Expression(expression).HasErrors();
}
