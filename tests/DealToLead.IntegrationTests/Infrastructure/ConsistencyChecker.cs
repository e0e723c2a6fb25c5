using Npgsql;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>
/// The database-wide invariants of conversions, checked with SQL after races, crashes and outages.
/// Each query counts violations; all must be zero.
/// </summary>
public static class ConsistencyChecker
{
    private static readonly (string Name, string Sql)[] Invariants =
    [
        ("activity, note, email or file owned by both a deal and a lead",
            """
            SELECT (SELECT count(*) FROM activities WHERE deal_id IS NOT NULL AND lead_id IS NOT NULL)
                 + (SELECT count(*) FROM notes WHERE deal_id IS NOT NULL AND lead_id IS NOT NULL)
                 + (SELECT count(*) FROM emails WHERE deal_id IS NOT NULL AND lead_id IS NOT NULL)
                 + (SELECT count(*) FROM files WHERE deal_id IS NOT NULL AND lead_id IS NOT NULL)
            """),
        ("moved item that is not on a lead",
            """
            SELECT (SELECT count(*) FROM activities WHERE moved_from_deal_id IS NOT NULL AND lead_id IS NULL)
                 + (SELECT count(*) FROM notes WHERE moved_from_deal_id IS NOT NULL AND lead_id IS NULL)
                 + (SELECT count(*) FROM emails WHERE moved_from_deal_id IS NOT NULL AND lead_id IS NULL)
                 + (SELECT count(*) FROM files WHERE moved_from_deal_id IS NOT NULL AND lead_id IS NULL)
            """),
        ("upcoming activity, note, email or file left on a converted deal",
            """
            WITH converted AS (
                SELECT c.deal_id FROM conversions c JOIN deals d ON d.id = c.deal_id
                WHERE c.direction = 'DealToLead' AND c.status = 'Completed' AND c.undone_at IS NULL AND d.deleted_at IS NOT NULL)
            SELECT (SELECT count(*) FROM activities a JOIN converted USING (deal_id) WHERE NOT a.done)
                 + (SELECT count(*) FROM notes n JOIN converted USING (deal_id))
                 + (SELECT count(*) FROM emails e JOIN converted USING (deal_id))
                 + (SELECT count(*) FROM files f JOIN converted USING (deal_id))
            """),
        ("lead from source Deal without its completed conversion record",
            """
            SELECT count(*) FROM leads l
            WHERE l.source = 'Deal' AND NOT EXISTS (
                SELECT 1 FROM conversions c
                WHERE c.lead_id = l.id AND c.deal_id = l.origin_deal_id AND c.direction = 'DealToLead' AND c.status = 'Completed')
            """),
        ("deal converted into more than one live lead by one conversion",
            """
            SELECT count(*) FROM (
                SELECT c.deal_id FROM conversions c JOIN leads l ON l.id = c.lead_id
                WHERE c.direction = 'DealToLead' AND c.status = 'Completed' AND c.undone_at IS NULL
                GROUP BY c.deal_id, c.created_at HAVING count(*) > 1) duplicates
            """),
        ("file without its content, or content without its file",
            """
            SELECT (SELECT count(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM file_contents c WHERE c.file_id = f.id))
                 + (SELECT count(*) FROM files f JOIN file_contents c ON c.file_id = f.id WHERE length(c.content) <> f.size)
            """),
    ];

    /// <summary>The names of the violated invariants with their counts; empty when the database is consistent.</summary>
    public static async Task<IReadOnlyList<string>> FindViolationsAsync(string connectionString)
    {
        var violations = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var (name, sql) in Invariants)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            var count = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            if (count > 0)
            {
                violations.Add($"{name}: {count}");
            }
        }

        return violations;
    }
}
