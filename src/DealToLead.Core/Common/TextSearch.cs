namespace DealToLead.Core.Common;

/// <summary>
/// Search as you type over a row's denormalized <c>search_text</c> (leads: title, person name and emails,
/// organization name; deals: title, person and organization names), which a trigger keeps current and a
/// <c>pg_trgm</c> GIN index serves for prefix and infix matches of three or more characters (docs/decisions/0018).
/// </summary>
public static class TextSearch
{
    /// <summary>The shadow property (column <c>search_text</c>) on leads and deals; written only by the database.</summary>
    public const string Property = "SearchText";

    /// <summary>Trigrams need three characters; a shorter term still filters, but no index can help it.</summary>
    public const int IndexedLength = 3;

    /// <summary>An <c>ILIKE</c> pattern matching the term anywhere, with the pattern's own wildcards escaped.</summary>
    public static string ContainsPattern(string term) =>
        $"%{term.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
}
