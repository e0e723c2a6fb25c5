using System.Globalization;

namespace DealToLead.Web.Localization;

/// <summary>
/// Money, numbers and dates in the request's culture, one way on every page (deals and leads alike):
/// "78,678 EUR" in English, "78 678 EUR" in Swedish; cents only when there are any.
/// </summary>
public static class Formats
{
    // A no-break space keeps "78 678" and "EUR" on one line in a narrow table cell.
    private const char NoBreakSpace = '\u00A0';

    public static string Money(decimal amount, string? currency) =>
        $"{Number(amount)}{NoBreakSpace}{currency}".TrimEnd(NoBreakSpace);

    public static string Money(DealToLead.Core.Common.Money? money) => money is null ? string.Empty : Money(money.Amount, money.Currency);

    public static string Number(decimal value) =>
        value.ToString(decimal.Truncate(value) == value ? "N0" : "N2", CultureInfo.CurrentCulture);

    public static string Number(int value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : string.Empty;

    public static string Date(DateTimeOffset at) => Date(DateOnly.FromDateTime(at.DateTime));

    public static string DateTime(DateTimeOffset at) => at.DateTime.ToString("d MMM yyyy HH:mm", CultureInfo.CurrentCulture);

    public static string DateTime(DateTimeOffset? at) => at is { } value ? DateTime(value) : string.Empty;

    public static string Percent(int? percent) => percent is { } p ? $"{Number(p)}{NoBreakSpace}%" : string.Empty;
}
