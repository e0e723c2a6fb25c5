using DealToLead.Core.Common;

namespace DealToLead.UnitTests.Rules;

public class MoneyTests
{
    [Theory]
    [InlineData("EUR", true)]
    [InlineData("usd", false)]
    [InlineData("EURO", false)]
    [InlineData(null, false)]
    public void Currencies_are_three_upper_case_letters(string? currency, bool valid) => Money.IsValidCurrency(currency).Should().Be(valid);
}
