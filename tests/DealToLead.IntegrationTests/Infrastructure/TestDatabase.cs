using Npgsql;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>A fresh PostgreSQL database per test run, on the server scripts/test.sh starts.</summary>
public static class TestDatabase
{
    public const string ServerVariable = "DEALTOLEAD_TEST_PG";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable)
        ?? throw new InvalidOperationException(
            $"{ServerVariable} is not set. Run the tests with scripts/test.sh, which starts a throwaway PostgreSQL, "
            + $"or set {ServerVariable} to a server connection string such as 'Host=127.0.0.1;Port=55433;Username=postgres'.");

    public static async Task<string> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
