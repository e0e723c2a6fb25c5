namespace DealToLead.Core.Common;

/// <summary>An amount in an ISO 4217 currency. Stored as <c>numeric</c>, never as a float.</summary>
public sealed record Money(decimal Amount, string Currency)
{
    public static Money Zero(string currency) => new(0m, currency);

    public static bool IsValidCurrency(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetterUpper);

    public override string ToString() => $"{Amount:0.##} {Currency}";
}
