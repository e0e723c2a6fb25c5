using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace DealToLead.Bench;

/// <summary>
/// The large, searchable part of the seed (leads, list deals and their persons and organizations) written with
/// PostgreSQL's binary COPY. Grows to a row count, so that <c>--scale</c> can measure 10,000, then add to 100,000,
/// then to 1,000,000 in one database. Secondary indexes of the big tables are dropped during the load and rebuilt
/// after it: building a GIN trigram index once is several times cheaper than inserting into it row by row.
/// </summary>
public sealed class BulkCopy(NpgsqlDataSource dataSource, int[] users, DateTimeOffset at)
{
    private const int LeadsPerPerson = 5;
    private const int PersonsPerOrganization = 4;

    public async Task GrowAsync(int leads, int listDeals, int listPipelineId, int[] listStageIds)
    {
        await ExecuteAsync("CREATE TABLE IF NOT EXISTS bench_seed (key text PRIMARY KEY, value bigint NOT NULL)");
        var persons = (Math.Max(leads, listDeals) + LeadsPerPerson - 1) / LeadsPerPerson;
        var organizations = (persons + PersonsPerOrganization - 1) / PersonsPerOrganization;
        var organizationIds = await GrowPoolAsync("organizations", organizations, OrganizationsAsync);
        var personIds = await GrowPoolAsync("persons", persons, (from, to) => PersonsAsync(from, to, organizationIds));

        var leadsFrom = await CountAsync("leads");
        if (leads > leadsFrom)
        {
            await WithoutSecondaryIndexesAsync("leads", $"{leads - leadsFrom:N0} leads, half from source Deal", () => LeadsAsync(leadsFrom, leads, personIds, organizationIds));
            await SetCountAsync("leads", leads);
        }

        var dealsFrom = await CountAsync("list_deals");
        if (listDeals > dealsFrom)
        {
            await WithoutSecondaryIndexesAsync("deals", $"{listDeals - dealsFrom:N0} deals for the deal list",
                () => ListDealsAsync(dealsFrom, listDeals, personIds, organizationIds, listPipelineId, listStageIds));
            await SetCountAsync("list_deals", listDeals);
        }
    }

    /// <summary>Pool rows k = 0..count-1 have ids first + k (one session inserts them, so the identity values are contiguous).</summary>
    private async Task<PoolIds> GrowPoolAsync(string table, int count, Func<int, int, Task> copy)
    {
        var had = await CountAsync(table);
        if (count > had)
        {
            var before = await ScalarAsync<int>($"SELECT COALESCE(max(id), 0) FROM {table}");
            var watch = Stopwatch.StartNew();
            await copy(had, count);
            var (min, max) = await RangeAsync($"SELECT min(id), max(id) FROM {table} WHERE id > {before}");
            if (max - min + 1 != count - had)
            {
                throw new InvalidOperationException($"{table}: the copied ids are not contiguous ({min}..{max} for {count - had} rows)");
            }

            if (had == 0)
            {
                await ExecuteAsync($"INSERT INTO bench_seed VALUES ('{table}_first', {min})");
            }
            else if (min != await FirstAsync(table) + had)
            {
                throw new InvalidOperationException($"{table}: the pool grew with a gap (first new id {min})");
            }

            await SetCountAsync(table, count);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {watch.Elapsed.TotalSeconds,6:F1} s  {count - had:N0} searchable {table} (COPY)"));
        }

        return new PoolIds(await FirstAsync(table));
    }

    private async Task OrganizationsAsync(int from, int to)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync("COPY organizations (name, address, owner_id, created_at, updated_at) FROM STDIN (FORMAT BINARY)");
        for (var k = from; k < to; k++)
        {
            await import.StartRowAsync();
            await import.WriteAsync(RealisticNames.OrganizationName(k), NpgsqlDbType.Varchar);
            await import.WriteAsync($"{1 + k % 300} Market Street", NpgsqlDbType.Varchar);
            await import.WriteAsync(users[k % users.Length], NpgsqlDbType.Integer);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }

        await import.CompleteAsync();
    }

    private async Task PersonsAsync(int from, int to, PoolIds organizations)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync("COPY persons (name, emails, phones, organization_id, owner_id, created_at, updated_at) FROM STDIN (FORMAT BINARY)");
        for (var k = from; k < to; k++)
        {
            var organization = OrganizationOf(k);
            await import.StartRowAsync();
            await import.WriteAsync(RealisticNames.PersonName(k), NpgsqlDbType.Varchar);
            await import.WriteAsync(new[] { RealisticNames.Email(k, organization is { } o ? RealisticNames.OrganizationName(o) : null) }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await import.WriteAsync(new[] { string.Create(CultureInfo.InvariantCulture, $"+46 70 {k % 1_000_000:D6}") }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            await WriteNullableAsync(import, organization is { } org ? organizations.First + org : null);
            await import.WriteAsync(users[k % users.Length], NpgsqlDbType.Integer);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }

        await import.CompleteAsync();
    }

    private async Task LeadsAsync(int from, int to, PoolIds persons, PoolIds organizations)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync("""
            COPY leads (id, title, value_amount, value_currency, expected_close_date, owner_id, creator_id, person_id, organization_id,
                visibility, label_ids, source, is_archived, was_seen, created_at, updated_at) FROM STDIN (FORMAT BINARY)
            """);
        string[] sources = ["ManuallyCreated", "WebForms", "Import", "Api"];
        for (var i = from + 1; i <= to; i++)
        {
            var person = (i - 1) / LeadsPerPerson;
            var organization = OrganizationOf(person);
            var owner = users[i % users.Length];
            await import.StartRowAsync();
            await import.WriteAsync(LeadId(i), NpgsqlDbType.Uuid);
            await import.WriteAsync(RealisticNames.Title(i, organization is { } o ? RealisticNames.OrganizationName(o) : null, RealisticNames.PersonName(person)), NpgsqlDbType.Varchar);
            if (i % 4 == 0)
            {
                await import.WriteNullAsync();
                await import.WriteNullAsync();
            }
            else
            {
                await import.WriteAsync(100m + (i * 13L) % 20000, NpgsqlDbType.Numeric);
                await import.WriteAsync("EUR", NpgsqlDbType.Char);
            }

            await import.WriteAsync(new DateOnly(2026, 7, 1).AddDays(i % 200), NpgsqlDbType.Date);
            await import.WriteAsync(owner, NpgsqlDbType.Integer);
            await import.WriteAsync(owner, NpgsqlDbType.Integer);
            await import.WriteAsync(persons.First + person, NpgsqlDbType.Integer);
            await WriteNullableAsync(import, organization is { } org ? organizations.First + org : null);
            await import.WriteAsync("EntireCompany", NpgsqlDbType.Varchar);
            await import.WriteAsync(Array.Empty<Guid>(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
            await import.WriteAsync(i % 2 == 0 ? "Deal" : sources[i / 2 % 4], NpgsqlDbType.Varchar);
            await import.WriteAsync(i % 20 == 10, NpgsqlDbType.Boolean);
            await import.WriteAsync(i % 5 == 0, NpgsqlDbType.Boolean);
            await import.WriteAsync(at.AddMinutes(-i), NpgsqlDbType.TimestampTz);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }

        await import.CompleteAsync();
    }

    private async Task ListDealsAsync(int from, int to, PoolIds persons, PoolIds organizations, int pipelineId, int[] stageIds)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var import = await connection.BeginBinaryImportAsync("""
            COPY deals (title, value_amount, value_currency, expected_close_date, probability, status, lost_reason, won_at, lost_at,
                owner_id, person_id, organization_id, pipeline_id, stage_id, visibility, labels, created_at, updated_at) FROM STDIN (FORMAT BINARY)
            """);
        string[] currencies = ["EUR", "EUR", "EUR", "USD", "SEK"];
        string[] labels = ["Hot", "Warm", "Cold", "Partner", "Upsell"];
        for (var i = from + 1; i <= to; i++)
        {
            var person = (i - 1) / LeadsPerPerson;
            var organization = OrganizationOf(person);
            var status = i % 10 < 6 ? "Open" : i % 10 < 8 ? "Won" : "Lost";
            var closed = at.AddDays(-(i % 300));
            await import.StartRowAsync();
            await import.WriteAsync(RealisticNames.Title(i + 7, organization is { } o ? RealisticNames.OrganizationName(o) : null, RealisticNames.PersonName(person)), NpgsqlDbType.Varchar);
            await import.WriteAsync((i * 7919L) % 100000 + i % 100 / 100m, NpgsqlDbType.Numeric);
            await import.WriteAsync(currencies[i % 5], NpgsqlDbType.Char);
            await import.WriteAsync(new DateOnly(2026, 1, 1).AddDays(i % 540), NpgsqlDbType.Date);
            await import.WriteAsync(i % 10 * 10, NpgsqlDbType.Integer);
            await import.WriteAsync(status, NpgsqlDbType.Varchar);
            await WriteNullableAsync(import, status == "Lost" ? "Chose a competitor" : null);
            await WriteNullableAsync(import, status == "Won" ? closed : null);
            await WriteNullableAsync(import, status == "Lost" ? closed : null);
            await import.WriteAsync(users[i % users.Length], NpgsqlDbType.Integer);
            await import.WriteAsync(persons.First + person, NpgsqlDbType.Integer);
            await WriteNullableAsync(import, organization is { } org ? organizations.First + org : null);
            await import.WriteAsync(pipelineId, NpgsqlDbType.Integer);
            await import.WriteAsync(stageIds[i % stageIds.Length], NpgsqlDbType.Integer);
            await import.WriteAsync(i % 10 == 3 ? "OwnerOnly" : "EntireCompany", NpgsqlDbType.Varchar);
            await import.WriteAsync(i % 3 == 0 ? new[] { labels[i % 5] } : [], NpgsqlDbType.Array | NpgsqlDbType.Text);
            await import.WriteAsync(at.AddMinutes(-5L * i), NpgsqlDbType.TimestampTz);
            await import.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }

        await import.CompleteAsync();
    }

    /// <summary>Drops the table's secondary indexes (not the primary key or unique constraints), loads, then builds them again.</summary>
    private async Task WithoutSecondaryIndexesAsync(string table, string what, Func<Task> load)
    {
        var indexes = new List<(string Name, string Definition)>();
        await using (var command = dataSource.CreateCommand($"""
            SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
            JOIN pg_index x ON x.indexrelid = c.oid
            WHERE i.schemaname = 'public' AND i.tablename = '{table}' AND NOT x.indisprimary AND NOT x.indisunique
            """))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var watch = Stopwatch.StartNew();
        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync($"DROP INDEX {name}");
        }

        await load();
        var loaded = watch.Elapsed;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var settings = new NpgsqlCommand("SET maintenance_work_mem = '512MB'", connection);
            await settings.ExecuteNonQueryAsync();
            foreach (var (_, definition) in indexes)
            {
                await using var create = new NpgsqlCommand(definition, connection) { CommandTimeout = 0 };
                await create.ExecuteNonQueryAsync();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {watch.Elapsed.TotalSeconds,6:F1} s  {what} (COPY {loaded.TotalSeconds:F1} s, {indexes.Count} indexes rebuilt {(watch.Elapsed - loaded).TotalSeconds:F1} s)"));
    }

    private static int? OrganizationOf(int person) => person % 3 == 0 ? null : person / PersonsPerOrganization;

    /// <summary>The same id for lead n in every run: the first 16 bytes of MD5("bench-lead-n").</summary>
    private static Guid LeadId(int n) => new(MD5.HashData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"bench-lead-{n}"))));

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, int? value) =>
        value is { } v ? import.WriteAsync(v, NpgsqlDbType.Integer) : import.WriteNullAsync();

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value) =>
        value is not null ? import.WriteAsync(value, NpgsqlDbType.Varchar) : import.WriteNullAsync();

    private static Task WriteNullableAsync(NpgsqlBinaryImporter import, DateTimeOffset? value) =>
        value is { } v ? import.WriteAsync(v, NpgsqlDbType.TimestampTz) : import.WriteNullAsync();

    private async Task<int> CountAsync(string key) => (int)await ScalarAsync<long>($"SELECT COALESCE((SELECT value FROM bench_seed WHERE key = '{key}_count'), 0)");

    private async Task<int> FirstAsync(string table) => (int)await ScalarAsync<long>($"SELECT value FROM bench_seed WHERE key = '{table}_first'");

    private Task SetCountAsync(string key, int count) =>
        ExecuteAsync($"INSERT INTO bench_seed VALUES ('{key}_count', {count}) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value");

    private async Task<(int Min, int Max)> RangeAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed record PoolIds(int First);
}
