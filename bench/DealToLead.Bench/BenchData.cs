namespace DealToLead.Bench;

/// <summary>Names and sizes shared by the seed and the run, so the run finds exactly what the seed made.</summary>
public static class BenchData
{
    public const string BoardPipeline = "Bench";
    public const string ListPipeline = "List";
    public const string RichPipeline = "Rich";
    public const string PoolStage = "Conversion pool";
    public const string Bulk100Stage = "Bulk 100";
    public const string BulkLargeStage = "Bulk large";

    // Any lead row: the conversion scenarios add leads newer than the seeded ones, so a rerun's first page shows those.
    public const string LeadRowMarker = "data-lead-id=\"";
    public const string BoardDealTitlePrefix = "Board deal ";

    // A row of the deal list (its selection checkbox): list deals have realistic titles, no common prefix.
    public const string DealRowMarker = "name=\"ids\" value=\"";

    /// <summary>
    /// What a rep types, 3 to 9 characters: prefixes and infixes of first names, surnames, organization names, titles
    /// and emails (RealisticNames). Common ones ("son", "ann") match a tenth of the rows, rare ones a few hundred.
    /// </summary>
    public static readonly string[] SearchTerms =
    [
        "ann", "son", "lindq", "berg", "north", "wind", "falconb", "robot", "ealth", "migr", "renewal", "gmail", "proton",
        "johan", "ramir", "vertexst", "security", "seats", "axel", "ingr", "cedarl", "lunarpo", "onboard", "sjob",
    ];

    /// <summary>The deal list's three criteria: open deals of the rep worth at least this much (about 1.5 % of the list).</summary>
    public const decimal ListMinValue = 90_000m;
}

public sealed record SeedSizes(int BoardDeals, int ListDeals, int PoolDeals, int Bulk100Deals, int BulkLargeDeals, int Leads)
{
    public int RichDeals => PoolDeals + Bulk100Deals + BulkLargeDeals;

    public static SeedSizes For(bool quick) => quick
        ? new(BoardDeals: 2_000, ListDeals: 50_000, PoolDeals: 2_000, Bulk100Deals: 100, BulkLargeDeals: 1_000, Leads: 50_000)
        : new(BoardDeals: 2_000, ListDeals: 1_000_000, PoolDeals: 16_000, Bulk100Deals: 100, BulkLargeDeals: 10_000, Leads: 1_000_000);
}
