using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;

namespace DealToLead.UnitTests.Rules;

public class FormulaEvaluatorTests
{
    private static readonly CustomFieldDefinition Seats = new() { Key = "seats", Name = "Seats", Type = CustomFieldType.Number };

    [Fact]
    public void Weighted_value_is_value_times_probability()
    {
        var deal = new Deal { Title = "t", ValueAmount = 10_000m, Probability = 40 };

        FormulaEvaluator.Evaluate("value * probability / 100", deal, [Seats]).Should().Be(4_000m);
    }

    [Fact]
    public void Custom_numeric_fields_are_usable_by_key()
    {
        var deal = new Deal { Title = "t", ValueAmount = 100m, CustomFields = new() { ["seats"] = "12" } };

        FormulaEvaluator.Evaluate("value * seats", deal, [Seats]).Should().Be(1_200m);
    }

    [Theory]
    [InlineData("value / 0")]
    [InlineData("value * unknown_field")]
    [InlineData("((")]
    public void A_broken_formula_yields_no_value_instead_of_an_error(string expression)
    {
        var deal = new Deal { Title = "t", ValueAmount = 100m };

        FormulaEvaluator.Evaluate(expression, deal, [Seats]).Should().BeNull();
    }

    [Fact]
    public void Validity_is_checked_before_a_formula_is_saved()
    {
        FormulaEvaluator.IsValid("value * probability / 100").Should().BeTrue();
        FormulaEvaluator.IsValid("value * (").Should().BeFalse();
    }
}
