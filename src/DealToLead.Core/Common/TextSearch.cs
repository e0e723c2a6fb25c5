namespace DealToLead.Core.Common;

/// <summary>
/// Search as you type over a row's denormalized <c>search_text</c> (leads: title, person name and emails,
/// organization name; deals: title, person and organization names), which a trigger keeps current and a
/// <c>pg_trgm</c> GIN index serves for prefix and infix matches of three or more characters (docs/decisions/0018).
/// The text is stored lowercased and matched with <c>LIKE</c>, because <c>ILIKE</c> lowercases every row it tests
/// (docs/decisions/0023).
/// </summary>
public static class TextSearch
{
    /// <summary>The shadow property (column <c>search_text</c>) on leads and deals; written only by the database.</summary>
    public const string Property = "SearchText";

    /// <summary>Trigrams need three characters; a shorter term still filters, but no index can help it.</summary>
    public const int IndexedLength = 3;

    /// <summary>The escape of <see cref="ContainsPattern"/>'s wildcards, which a query must name: EF's <c>LIKE</c> says <c>ESCAPE ''</c> otherwise.</summary>
    public const string EscapeCharacter = "\\";

    /// <summary>
    /// A <c>LIKE</c> pattern matching the lowercased term anywhere, with the pattern's own wildcards escaped. Queries
    /// inline it as a literal (<c>EF.Constant</c>): a prepared statement with the pattern as a parameter falls back to
    /// PostgreSQL's generic plan after five runs, which cannot tell a rare term from a common one (docs/decisions/0023).
    /// </summary>
    public static string ContainsPattern(string term) =>
        $"%{term.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
}
