namespace DealToLead.Core.Common;

/// <summary>An amount in an ISO 4217 currency. Stored as <c>numeric</c>, never as a float.</summary>
public sealed record Money(decimal Amount, string Currency)
{
    /// <summary>The largest value a deal or lead holds: every decimal is stored as <c>numeric(18,2)</c>.</summary>
    public const decimal MaxAmount = 9_999_999_999_999_999m;

    public static Money Zero(string currency) => new(0m, currency);

    public static bool IsValidCurrency(string? currency) =>
        currency is { Length: 3 } && currency.All(char.IsAsciiLetterUpper);

    public override string ToString() => $"{Amount:0.##} {Currency}";
}
