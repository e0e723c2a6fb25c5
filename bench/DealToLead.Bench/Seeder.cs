using System.Diagnostics;
using System.Globalization;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.Bench;

/// <summary>
/// Fills a migrated, empty database at benchmark scale with set-based SQL. Deterministic: every value is a
/// function of the row number, and all timestamps hang off one fixed instant.
/// </summary>
public sealed class Seeder(string connectionString, SeedSizes sizes, bool grow = false)
{
    private const string At = "TIMESTAMPTZ '2026-06-01 09:00:00+00'";
    private const string DealLabels = "ARRAY['Hot','Warm','Cold','Partner','Upsell']";
    private const int SharedOrganizations = 1_000;
    private const int SharedPersons = 2_000;

    public async Task RunAsync()
    {
        var total = Stopwatch.StartNew();
        // No command timeout: a million rows' COPY ends with their foreign-key checks, which take longer than 30 s here.
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 }.ConnectionString);

        await using (var db = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options))
        {
            await new ReferenceData(db).EnsureAsync();
            await DemoUsers.EnsureAsync(db, new PasswordHasher<AppUser>(), TimeProvider.System);
        }

        var ids = await ScalarAsync<int[]>(dataSource, $"SELECT ARRAY[{string.Join(", ", DemoUsers.All.Select(u => $"(SELECT id FROM users WHERE email = '{u.Email}')"))}]");
        if (await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM pipelines WHERE name = '{BenchData.BoardPipeline}'") > 0)
        {
            if (!grow)
            {
                Console.WriteLine("The benchmark data is already there; drop the database to seed again (or pass --grow).");
                return;
            }

            await GrowAsync(dataSource, ids);
            await StepAsync(dataSource, "VACUUM ANALYZE leads, deals, persons, organizations", "VACUUM (ANALYZE) leads, deals, persons, organizations;");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grown in {total.Elapsed.TotalSeconds:F1} s"));
            return;
        }

        var users = $"ARRAY[{string.Join(", ", ids)}]";
        var rep = ids[Array.IndexOf(DemoUsers.All.ToArray(), DemoUsers.Rep)];

        await StepAsync(dataSource, "pipelines, stages and 20 deal custom fields", $"""
            INSERT INTO pipelines (name, order_nr, is_default) VALUES
                ('{BenchData.BoardPipeline}', 0, TRUE), ('{BenchData.ListPipeline}', 1, FALSE), ('{BenchData.RichPipeline}', 2, FALSE);
            INSERT INTO stages (pipeline_id, name, order_nr, deal_probability)
            SELECT p.id, 'Stage ' || s, s, LEAST(100, s * 12) FROM pipelines p, generate_series(1, 8) s WHERE p.name = '{BenchData.BoardPipeline}'
            UNION ALL
            SELECT p.id, 'Step ' || s, s, s * 15 FROM pipelines p, generate_series(1, 6) s WHERE p.name = '{BenchData.ListPipeline}'
            UNION ALL
            SELECT p.id, n.name, n.ord, 50 FROM pipelines p,
                (VALUES ('{BenchData.PoolStage}', 1), ('{BenchData.Bulk100Stage}', 2), ('{BenchData.BulkLargeStage}', 3)) n(name, ord)
            WHERE p.name = '{BenchData.RichPipeline}';
            INSERT INTO custom_fields (entity, key, name, type, options, order_nr)
            SELECT 'Deal', 'bench_cf_' || lpad(f::text, 2, '0'), 'Bench field ' || f,
                (ARRAY['Text','Number','Monetary','Date','SingleOption'])[1 + f % 5],
                CASE WHEN f % 5 = 4 THEN ARRAY['Alpha','Beta','Gamma'] ELSE ARRAY[]::text[] END, f
            FROM generate_series(1, 20) f;
            """);

        await StepAsync(dataSource, "shared organizations and persons", $"""
            INSERT INTO organizations (name, address, owner_id, created_at, updated_at)
            SELECT 'Company ' || lpad(i::text, 5, '0'), i || ' Bench Street', ({users})[1 + i % 4], {At}, {At}
            FROM generate_series(1, {SharedOrganizations}) i;
            INSERT INTO persons (name, emails, phones, organization_id, owner_id, created_at, updated_at)
            SELECT 'Person ' || lpad(i::text, 5, '0'), ARRAY['person' || i || '@example.com'], ARRAY['+1 555 ' || lpad(i::text, 6, '0')],
                (SELECT min(id) FROM organizations) + i % {SharedOrganizations}, ({users})[1 + i % 4], {At}, {At}
            FROM generate_series(1, {SharedPersons}) i;
            """);

        await StepAsync(dataSource, $"{sizes.BoardDeals:N0} open deals on the board over 8 stages", $"""
            INSERT INTO deals (title, value_amount, value_currency, expected_close_date, status, owner_id, person_id, organization_id,
                pipeline_id, stage_id, visibility, labels, created_at, updated_at)
            SELECT '{BenchData.BoardDealTitlePrefix}' || lpad(i::text, 5, '0'), 500 + (i * 37) % 50000, 'EUR', DATE '2026-07-01' + i % 120, 'Open',
                ({users})[1 + i % 4], c.first_person + i % {SharedPersons}, c.first_org + i % {SharedOrganizations},
                s.pipeline_id, s.ids[1 + i % 8], 'EntireCompany',
                CASE WHEN i % 3 = 0 THEN ARRAY[({DealLabels})[1 + i % 5]] ELSE ARRAY[]::text[] END,
                {At} - i * INTERVAL '1 hour', {At}
            FROM generate_series(1, {sizes.BoardDeals}) i,
                (SELECT min(p.id) AS pipeline_id, array_agg(st.id ORDER BY st.order_nr) AS ids FROM pipelines p JOIN stages st ON st.pipeline_id = p.id
                 WHERE p.name = '{BenchData.BoardPipeline}') s,
                (SELECT (SELECT min(id) FROM persons) AS first_person, (SELECT min(id) FROM organizations) AS first_org) c;
            """);

        await SeedRichDealsAsync(dataSource, rep);

        await GrowAsync(dataSource, ids);

        await StepAsync(dataSource, "bulk conversion limit raised to 10,000", "UPDATE company_settings SET bulk_conversion_limit = 10000;");
        await StepAsync(dataSource, "VACUUM ANALYZE", "VACUUM (ANALYZE);");

        Console.WriteLine();
        foreach (var table in new[] { "deals", "persons", "organizations", "activities", "notes", "emails", "invoices", "deal_history", "leads", "custom_fields" })
        {
            Console.WriteLine($"  {table,-14} {await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM {table}"),10:N0} rows");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded in {total.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>The searchable leads and the list pipeline's deals, with their persons and organizations, by binary COPY.</summary>
    private async Task GrowAsync(NpgsqlDataSource dataSource, int[] users)
    {
        var pipelineId = await ScalarAsync<int>(dataSource, $"SELECT id FROM pipelines WHERE name = '{BenchData.ListPipeline}'");
        var stageIds = await ScalarAsync<int[]>(dataSource, $"SELECT array_agg(id ORDER BY order_nr) FROM stages WHERE pipeline_id = {pipelineId}");
        await new BulkCopy(dataSource, users, new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero)).GrowAsync(sizes.Leads, sizes.ListDeals, pipelineId, stageIds);
    }

    /// <summary>Deals owned by the rep, each with its own person and organization, 20 custom field values and 42 items.</summary>
    private async Task SeedRichDealsAsync(NpgsqlDataSource dataSource, int rep)
    {
        var richDeals = $"SELECT id, owner_id, person_id, organization_id FROM deals WHERE pipeline_id = (SELECT id FROM pipelines WHERE name = '{BenchData.RichPipeline}')";
        await StepAsync(dataSource, $"{sizes.RichDeals:N0} rich deals with their own person and organization", $"""
            CREATE TEMP TABLE rich_base AS
                SELECT (SELECT COALESCE(max(id), 0) FROM organizations) AS org_before, (SELECT COALESCE(max(id), 0) FROM persons) AS person_before;
            INSERT INTO organizations (name, address, owner_id, created_at, updated_at)
            SELECT 'Rich Org ' || lpad(i::text, 6, '0'), i || ' Rich Road', {rep}, {At}, {At} FROM generate_series(1, {sizes.RichDeals}) i;
            INSERT INTO persons (name, emails, phones, organization_id, owner_id, created_at, updated_at)
            SELECT 'Rich Person ' || lpad(i::text, 6, '0'), ARRAY['rich' || i || '@example.com'], ARRAY[]::text[], b.org_before + i, {rep}, {At}, {At}
            FROM generate_series(1, {sizes.RichDeals}) i, rich_base b;
            INSERT INTO deals (title, value_amount, value_currency, expected_close_date, probability, status, owner_id, person_id, organization_id,
                pipeline_id, stage_id, visibility, labels, custom_fields, created_at, updated_at)
            SELECT 'Rich deal ' || lpad(i::text, 6, '0'), 1000 + (i * 31) % 90000, 'EUR', DATE '2026-09-01' + i % 90, 40, 'Open', {rep},
                b.person_before + i, b.org_before + i, s.pipeline_id,
                CASE WHEN i <= {sizes.PoolDeals} THEN s.ids[1] WHEN i <= {sizes.PoolDeals + sizes.Bulk100Deals} THEN s.ids[2] ELSE s.ids[3] END,
                'EntireCompany', ARRAY['Hot'],
                (SELECT jsonb_object_agg('bench_cf_' || lpad(f::text, 2, '0'), CASE f % 5
                    WHEN 0 THEN 'Text value ' || i || '/' || f
                    WHEN 1 THEN ((i * f) % 1000)::text
                    WHEN 2 THEN ((i * f) % 100000)::text || '.00'
                    WHEN 3 THEN to_char(DATE '2026-01-01' + (i + f) % 365, 'YYYY-MM-DD')
                    ELSE (ARRAY['Alpha','Beta','Gamma'])[1 + (i + f) % 3] END) FROM generate_series(1, 20) f),
                {At} - i * INTERVAL '1 minute', {At}
            FROM generate_series(1, {sizes.RichDeals}) i, rich_base b,
                (SELECT min(p.id) AS pipeline_id, array_agg(st.id ORDER BY st.order_nr) AS ids FROM pipelines p JOIN stages st ON st.pipeline_id = p.id
                 WHERE p.name = '{BenchData.RichPipeline}') s;
            DROP TABLE rich_base;
            """);

        await StepAsync(dataSource, "rich deals: 5 upcoming and 5 done activities each", $"""
            INSERT INTO activities (type, subject, due_date, due_time, duration, owner_id, done, done_at, note, deal_id, person_id, organization_id, created_at)
            SELECT (ARRAY['Call','Meeting','Task','Email','Deadline','Lunch'])[1 + k % 6], 'Activity ' || k || ' on deal ' || d.id,
                CASE WHEN k <= 5 THEN DATE '2027-01-04' + k ELSE DATE '2026-05-01' + k END, TIME '10:00', INTERVAL '30 minutes', d.owner_id,
                k > 5, CASE WHEN k > 5 THEN {At} - k * INTERVAL '1 day' END, 'Agenda item ' || k, d.id, d.person_id, d.organization_id, {At} - k * INTERVAL '2 days'
            FROM ({richDeals}) d, generate_series(1, 10) k;
            """);
        await StepAsync(dataSource, "rich deals: 10 notes each", $"""
            INSERT INTO notes (content, author_id, deal_id, created_at)
            SELECT '<p>Note ' || k || ' about <b>deal ' || d.id || '</b>: call back about the proposal.</p>', d.owner_id, d.id, {At} - k * INTERVAL '1 hour'
            FROM ({richDeals}) d, generate_series(1, 10) k;
            """);
        await StepAsync(dataSource, "rich deals: 10 emails each", $"""
            INSERT INTO emails ("from", "to", cc, subject, sent_at, text_body, html_body, message_id, linked_via, deal_id, created_at)
            SELECT 'client' || d.id || '@example.com', ARRAY['rep@dealtolead.local'], ARRAY[]::text[], 'Re: proposal, part ' || k,
                {At} - k * INTERVAL '3 hours', 'Thanks for the proposal, part ' || k || '.', '<p>Thanks for the proposal, part ' || k || '.</p>',
                '<bench-' || d.id || '-' || k || '@example.com>', 'Sync', d.id, {At} - k * INTERVAL '3 hours'
            FROM ({richDeals}) d, generate_series(1, 10) k;
            """);
        await StepAsync(dataSource, "rich deals: 2 invoices and 10 history rows each", $"""
            INSERT INTO invoices (deal_id, number, amount, currency, status, issued_on)
            SELECT d.id, 'INV-' || d.id || '-' || k, 250 * k, 'EUR', (ARRAY['Sent','Paid'])[k], DATE '2026-05-01' + k
            FROM ({richDeals}) d, generate_series(1, 2) k;
            INSERT INTO deal_history (deal_id, at, user_id, field, old_value, new_value)
            SELECT d.id, {At} - k * INTERVAL '1 day', d.owner_id, (ARRAY['stage_id','value','title','owner_id','expected_close_date'])[1 + k % 5],
                'before ' || k, 'after ' || k
            FROM ({richDeals}) d, generate_series(1, 10) k;
            """);
    }

    private static async Task StepAsync(NpgsqlDataSource dataSource, string what, string sql)
    {
        var watch = Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {watch.Elapsed.TotalSeconds,6:F1} s  {what}"));
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
