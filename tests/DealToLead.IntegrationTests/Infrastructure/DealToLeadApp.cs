using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Respawn;
using Serilog.Core;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>
/// The real app on a real PostgreSQL database, migrated once per run and reset with Respawn before each test.
/// </summary>
public class DealToLeadApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private Respawner? _respawner;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>Every log event the app wrote, for tests that check what is (never) logged.</summary>
    public CapturedLog Log { get; } = new();

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Database:MigrateOnStartup"] = "true",
        [DealToLead.Infrastructure.DependencyInjection.ThreadSafetyChecksSetting] = "true",
        ["Auth:MaxFailedAccessAttempts"] = "3",
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = "1",
        ["Serilog:MinimumLevel:Default"] = "Information",
        ["Logging:Console"] = "false",
        ["RateLimiting:SignInPerMinute"] = "100000",
        ["RateLimiting:ApiPerMinute"] = "1000000",
        ["RateLimiting:FailedApiTokensPerMinute"] = "1000000",
    };

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync("dtl_it");
        Settings["ConnectionStrings:Crm"] = ConnectionString;
        _ = Services; // starts the host, which applies the migrations
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            TablesToIgnore = ["__EFMigrationsHistory", "data_protection_keys"],
        });
        await ResetAsync();
    }

    /// <summary>Empties every table, then puts back the reference rows and the four demo users.</summary>
    public async Task ResetAsync()
    {
        // The app's background workers may hold row locks from the previous test's job at this moment.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString);
                await connection.OpenAsync();
                await _respawner!.ResetAsync(connection);
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }

        // Respawn's deletes bypass EF, so the cached labels and owners must go with them.
        Services.GetRequiredService<ReferenceDataCache>().Invalidate();
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReferenceData>().EnsureAsync();
        await DemoUsers.EnsureAsync(
            scope.ServiceProvider.GetRequiredService<CrmDbContext>(),
            scope.ServiceProvider.GetRequiredService<IPasswordHasher<AppUser>>(),
            TimeProvider.System);
    }

    public async Task<T> WithDbAsync<T>(Func<CrmDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<CrmDbContext>());
    }

    public async Task WithDbAsync(Func<CrmDbContext, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<CrmDbContext>());
    }

    public async Task<int> UserIdAsync(DemoUser user) =>
        await WithDbAsync(db => Task.FromResult(db.Users.Single(u => u.Email == user.Email).Id));

    public HttpClient ApiClient(string? token)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-token", token);
        }

        return client;
    }

    public HttpClient ApiClient(DemoUser user) => ApiClient(user.ApiToken);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Settings));
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Log));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
    }
}

[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<DealToLeadApp>
{
    public const string Name = "app";
}

/// <summary>Base for tests against the app: the database is reset before each test.</summary>
[Collection(AppCollection.Name)]
public abstract class AppTest(DealToLeadApp app) : IAsyncLifetime
{
    protected DealToLeadApp App { get; } = app;

    public Task InitializeAsync() => App.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}
