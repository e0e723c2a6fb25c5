using DealToLead.Infrastructure;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>The connection defaults of docs/decisions/0007, seen from PostgreSQL's side.</summary>
public sealed class ConnectionSettingsTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_statement_repeated_on_a_pooled_connection_is_prepared_and_stays_prepared_after_the_connection_returns_to_the_pool()
    {
        // A data source of its own, so that its pool holds exactly one connection.
        await using var dataSource = DependencyInjection.CreateDataSource(App.ConnectionString);
        for (var request = 0; request < 8; request++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM leads WHERE title = $1", connection) { Parameters = { new() { Value = "x" } } };
            await command.ExecuteScalarAsync();
        }

        await using var reopened = await dataSource.OpenConnectionAsync();
        await using var prepared = new NpgsqlCommand("SELECT count(*)::int FROM pg_prepared_statements WHERE statement LIKE '%FROM leads%'", reopened);

        ((int)(await prepared.ExecuteScalarAsync())!).Should().Be(1, "PostgreSQL keeps the parsed statement on the connection instead of parsing it per request");
    }

    [Fact]
    public async Task The_app_connects_with_those_defaults()
    {
        var connectionString = await App.WithDbAsync(db => Task.FromResult(db.Database.GetDbConnection().ConnectionString));

        Settings(connectionString).Should().Be((64, true));
    }

    [Fact]
    public void A_connection_string_that_sets_the_options_itself_keeps_its_values()
    {
        using var defaults = DependencyInjection.CreateDataSource(App.ConnectionString);
        using var explicitValues = DependencyInjection.CreateDataSource(App.ConnectionString + ";Max Auto Prepare=0;No Reset On Close=false");

        Settings(defaults.ConnectionString).Should().Be((64, true));
        Settings(explicitValues.ConnectionString).Should().Be((0, false));
    }

    private static (int MaxAutoPrepare, bool NoResetOnClose) Settings(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        return (settings.MaxAutoPrepare, settings.NoResetOnClose);
    }
}
