using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.IntegrationTests.Soak;

/// <summary>
/// A fresh database per soak test: migrated by the app's own <c>migrate</c> command, with the demo users and
/// deals that each carry <see cref="ItemsPerDeal"/> items, inserted set-based as the bench seeder does.
/// </summary>
public sealed class SoakDatabase : IAsyncDisposable
{
    public const int UpcomingActivitiesPerDeal = 3;
    public const int DoneActivitiesPerDeal = 2;
    public const int NotesPerDeal = 2;
    public const int EmailsPerDeal = 2;
    public const int MovablePerDeal = UpcomingActivitiesPerDeal + NotesPerDeal + EmailsPerDeal;
    public const int ItemsPerDeal = MovablePerDeal + DoneActivitiesPerDeal;

    private SoakDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<SoakDatabase> CreateAsync()
    {
        var database = new SoakDatabase(await TestDatabase.CreateAsync("dtl_soak"));
        await AppProcess.MigrateAsync(database.ConnectionString);
        await using (var db = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(database.ConnectionString).UseSnakeCaseNamingConvention().Options))
        {
            await new ReferenceData(db).EnsureAsync();
            await DemoUsers.EnsureAsync(db, new PasswordHasher<AppUser>(), TimeProvider.System);
        }

        await database.ExecuteAsync("""
            UPDATE company_settings SET bulk_conversion_limit = 10000;
            INSERT INTO pipelines (name, order_nr, is_default) VALUES ('Soak', 0, TRUE);
            INSERT INTO stages (pipeline_id, name, order_nr, deal_probability)
            SELECT id, 'Qualified', 1, 20 FROM pipelines WHERE name = 'Soak';
            INSERT INTO organizations (name, owner_id, created_at, updated_at)
            SELECT 'Soak Org', id, now(), now() FROM users WHERE email = 'rep@dealtolead.local';
            """);
        return database;
    }

    /// <summary>Open deals owned by <paramref name="owner"/>, each with 3 upcoming and 2 done activities, 2 notes and 2 emails.</summary>
    public async Task<List<int>> SeedDealsAsync(int count, DemoUser owner, string titlePrefix = "Soak deal")
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("""
            WITH stage AS (SELECT s.id, s.pipeline_id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id WHERE p.name = 'Soak'),
                 owner AS (SELECT id FROM users WHERE email = $1),
                 organization AS (SELECT min(id) AS id FROM organizations WHERE name = 'Soak Org'),
                 inserted AS (
                    INSERT INTO deals (title, value_amount, value_currency, status, owner_id, organization_id, pipeline_id, stage_id, visibility, labels, created_at, updated_at)
                    SELECT $2 || ' ' || lpad(i::text, 5, '0'), 1000 + i, 'EUR', 'Open', owner.id, organization.id, stage.pipeline_id, stage.id, 'EntireCompany', ARRAY[]::text[], now(), now()
                    FROM generate_series(1, $3) i, stage, owner, organization
                    RETURNING id, owner_id),
                 activities AS (
                    INSERT INTO activities (type, subject, due_date, owner_id, done, done_at, deal_id, created_at)
                    SELECT 'Call', 'Call ' || k || ' about deal ' || d.id, CURRENT_DATE + k * (CASE WHEN k <= 3 THEN 1 ELSE -1 END), d.owner_id,
                        k > 3, CASE WHEN k > 3 THEN now() END, d.id, now()
                    FROM inserted d, generate_series(1, 5) k),
                 notes AS (
                    INSERT INTO notes (content, author_id, deal_id, created_at)
                    SELECT '<p>Note ' || k || ' on deal ' || d.id || '</p>', d.owner_id, d.id, now() FROM inserted d, generate_series(1, 2) k),
                 emails AS (
                    INSERT INTO emails ("from", "to", cc, subject, sent_at, text_body, html_body, message_id, linked_via, deal_id, created_at)
                    SELECT 'client' || d.id || '@example.com', ARRAY['rep@dealtolead.local'], ARRAY[]::text[], 'Proposal ' || k, now(),
                        'Thanks, part ' || k, '<p>Thanks, part ' || k || '</p>', '<soak-' || d.id || '-' || k || '@example.com>', 'Sync', d.id, now()
                    FROM inserted d, generate_series(1, 2) k)
            SELECT id FROM inserted ORDER BY id
            """);
        command.Parameters.AddWithValue(owner.Email);
        command.Parameters.AddWithValue(titlePrefix);
        command.Parameters.AddWithValue(count);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Where every deal and item is: a live deal holds all its items and has no lead; a converted deal has exactly
    /// one lead and one completed conversion, its upcoming activities, notes and emails on that lead and its done
    /// activities left behind. Anything else counts as lost, duplicated or misplaced (a partial conversion).
    /// </summary>
    public async Task<SoakAudit> AuditAsync(IReadOnlyCollection<int> dealIds)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT d.id, d.deleted_at IS NOT NULL,
                (SELECT count(*) FROM leads l WHERE l.origin_deal_id = d.id AND l.source = 'Deal'),
                (SELECT count(*) FROM conversions c WHERE c.deal_id = d.id AND c.direction = 'DealToLead' AND c.status = 'Completed'),
                (SELECT count(*) FROM activities a WHERE a.deal_id = d.id AND NOT a.done)
                    + (SELECT count(*) FROM notes n WHERE n.deal_id = d.id) + (SELECT count(*) FROM emails e WHERE e.deal_id = d.id),
                (SELECT count(*) FROM activities a WHERE a.deal_id = d.id AND a.done),
                (SELECT count(*) FROM activities a JOIN leads l ON l.id = a.lead_id WHERE a.moved_from_deal_id = d.id AND l.origin_deal_id = d.id)
                    + (SELECT count(*) FROM notes n JOIN leads l ON l.id = n.lead_id WHERE n.moved_from_deal_id = d.id AND l.origin_deal_id = d.id)
                    + (SELECT count(*) FROM emails e JOIN leads l ON l.id = e.lead_id WHERE e.moved_from_deal_id = d.id AND l.origin_deal_id = d.id)
            FROM deals d WHERE d.id = ANY($1)
            """, connection);
        command.Parameters.AddWithValue(dealIds.ToArray());
        var audit = new SoakAudit { DealsExpected = dealIds.Count };
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var converted = reader.GetBoolean(1);
            var (leads, conversions) = (reader.GetInt64(2), reader.GetInt64(3));
            var (onDeal, doneOnDeal, onLead) = (reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            audit.DealsFound++;
            audit.Converted += converted ? 1 : 0;
            audit.ItemsChecked += onDeal + doneOnDeal + onLead;
            audit.Lost += Math.Max(0, MovablePerDeal - onDeal - onLead) + Math.Max(0, DoneActivitiesPerDeal - doneOnDeal) + (converted && leads == 0 ? 1 : 0);
            audit.Duplicated += Math.Max(0, onDeal + onLead - MovablePerDeal) + Math.Max(0, doneOnDeal - DoneActivitiesPerDeal)
                + Math.Max(0, leads - 1) + Math.Max(0, conversions - 1) + (converted ? 0 : leads + conversions);
            audit.Misplaced += converted ? onDeal : onLead;
        }

        audit.Lost += dealIds.Count - audit.DealsFound;
        return audit;
    }

    public async ValueTask DisposeAsync()
    {
        if (Environment.GetEnvironmentVariable("DEALTOLEAD_SOAK_KEEP_DATABASES") != "1")
        {
            await TestDatabase.DropAsync(ConnectionString);
        }
    }
}

public sealed class SoakAudit
{
    public int DealsExpected { get; init; }
    public int DealsFound { get; set; }
    public int Converted { get; set; }
    public long ItemsChecked { get; set; }
    public long Lost { get; set; }
    public long Duplicated { get; set; }
    public long Misplaced { get; set; }

    public override string ToString() =>
        $"{DealsFound}/{DealsExpected} deals ({Converted} converted), {ItemsChecked} items, lost {Lost}, duplicated {Duplicated}, misplaced {Misplaced}";
}
