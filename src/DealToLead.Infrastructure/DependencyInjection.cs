using System.Data.Common;
using DealToLead.Core.Data;
using DealToLead.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DealToLead.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Crm";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuditingInterceptor>();
        services.AddSingleton<UnprepareFailedCommands>();
        services.AddSingleton<ReferenceDataCache>();
        services.AddSingleton<ReferenceDataCache.Invalidation>();
        services.AddSingleton(provider => CreateDataSource(ConnectionString(provider.GetRequiredService<IConfiguration>())));
        // Pooled, so a request does not build the context's internal services anew (docs/decisions/0008); hence a
        // singleton interceptor and no scoped dependencies in the options.
        services.AddDbContextPool<CrmDbContext>((provider, options) => Configure(options, provider, provider.GetRequiredService<NpgsqlDataSource>(), retry: true));
        // Reads that tolerate a replica (docs/decisions/0020): contexts configured as the app's, so they share its model
        // and compiled queries, but without retries, because a failed replica read is repeated on the primary instead.
        services.AddSingleton(provider => new Database.ReadReplica(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<IConfiguration>().GetConnectionString(Database.ReadReplica.ConnectionStringName),
            (options, dataSource) => Configure(options, provider, dataSource, retry: false).UseModel(PrimaryModel(provider))));

        services.AddScoped<Core.Conversions.DealConversionService>();
        services.AddScoped<Core.Conversions.BulkConversionSubmitter>();
        services.AddSingleton<Core.Conversions.BulkConversionSignal>();
        services.AddSingleton<Background.BulkConversionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Background.BulkConversionWorker>());
        services.AddOptions<Email.SmtpOptions>().BindConfiguration(Email.SmtpOptions.Section);
        services.AddOptions<Core.Leads.SmartBccOptions>().BindConfiguration(Core.Leads.SmartBccOptions.Section);
        services.AddSingleton<Email.OutboxEmailSender>();
        services.AddHostedService(sp => sp.GetRequiredService<Email.OutboxEmailSender>());
        services.AddOptions<Webhooks.WebhookOptions>().BindConfiguration(Webhooks.WebhookOptions.Section);
        services.AddSingleton<Webhooks.WebhookAddressPolicy>();
        services.AddScoped<Webhooks.WebhookSubscriptions>();
        services.AddScoped<Core.Webhooks.WebhookEvents>();
        services.AddSingleton<Webhooks.WebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<Webhooks.WebhookSender>());
        services.AddScoped<Core.Users.PermissionAdministration>();
        services.AddScoped<Core.Crm.DealCommands>();
        services.AddScoped<Core.Leads.LeadCommands>();
        services.AddScoped<Core.Crm.ActivityCommands>();
        services.AddScoped<Core.Crm.NoteCommands>();
        services.AddScoped<Core.Crm.EmailCommands>();
        services.AddOptions<Core.Files.FileStorageOptions>().BindConfiguration(Core.Files.FileStorageOptions.Section);
        services.AddScoped<Core.Files.FileCommands>();
        services.AddScoped<Core.Crm.ContactCommands>();
        services.AddScoped<Core.Crm.PipelineAdministration>();
        services.AddHostedService<Background.DeletedDealPurger>();
        services.AddOptions<Mail.InboundMailOptions>().BindConfiguration(Mail.InboundMailOptions.Section);
        services.AddScoped<Core.Mail.MailIntake>();
        services.AddScoped<Core.Mail.UnlinkedEmails>();
        services.AddScoped<Core.Mail.MailboxSyncSettings>();
        services.AddSingleton<Mail.ImapMailboxReader>();
        services.AddSingleton<Mail.MailboxSync>();
        services.AddSingleton<Mail.InboundMailWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Mail.InboundMailWorker>());
        services.AddSingleton<Mail.MailboxSyncWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Mail.MailboxSyncWorker>());
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<Seeding.ReferenceData>();
        services.AddScoped<Seeding.DemoSeeder>();
        return services;
    }

    // The replica's contexts use the primary contexts' model itself: a compiled query is bound to the model it was
    // compiled for, and another data source means another EF service provider, which would build a model of its own.
    private static Microsoft.EntityFrameworkCore.Metadata.IModel PrimaryModel(IServiceProvider provider)
    {
        using var scope = provider.CreateScope();
        return scope.ServiceProvider.GetRequiredService<CrmDbContext>().Model;
    }

    /// <summary>
    /// EF's check for a DbContext used by two threads at once sets an <see cref="AsyncLocal{T}"/> twice for every row a
    /// query reads, which copied the request's async-local map about 200 times per inbox page (docs/decisions/0031).
    /// Development, the test hosts and the browser and contract suites keep it on, where such a bug would show;
    /// the shipped configuration turns it off.
    /// </summary>
    public const string ThreadSafetyChecksSetting = "Database:ThreadSafetyChecks";

    private static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, IServiceProvider provider, NpgsqlDataSource dataSource, bool retry) => options
        .EnableThreadSafetyChecks(provider.GetRequiredService<IConfiguration>().GetValue(ThreadSafetyChecksSetting, true))
        .UseNpgsql(dataSource, npgsql =>
        {
            npgsql.MigrationsAssembly(typeof(DependencyInjection).Assembly.GetName().Name);
            if (retry)
            {
                npgsql.EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null);
            }
        })
        .UseSnakeCaseNamingConvention()
        .AddInterceptors(provider.GetRequiredService<AuditingInterceptor>(), provider.GetRequiredService<UnprepareFailedCommands>(), StoredHtmlInterceptor.Instance, GenericPlanInterceptor.Instance,
            provider.GetRequiredService<ReferenceDataCache.Invalidation>())
        .AddInterceptors(provider.GetServices<IInterceptor>());

    /// <summary>
    /// The app's connections, with two defaults a connection string may override (docs/decisions/0007):
    /// prepared statements, so PostgreSQL parses and plans each query once per connection rather than on every request,
    /// and no reset when a connection returns to the pool, which is safe because the app keeps no session state
    /// (its settings and locks are all transaction-scoped).
    /// Behind PgBouncer in transaction mode (1.18 has no protocol-level prepared statements) the connection string says
    /// <c>Max Auto Prepare=0</c> (docs/decisions/0021). A replica's connections give up connecting after 3 s unless told
    /// otherwise, so that reads fall back to the primary quickly when it is unreachable.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, bool replica = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        var configured = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!configured.ContainsKey("Max Auto Prepare"))
        {
            settings.MaxAutoPrepare = 64;
        }

        if (!configured.ContainsKey("No Reset On Close"))
        {
            settings.NoResetOnClose = true;
        }

        if (replica && !configured.ContainsKey("Timeout"))
        {
            settings.Timeout = 3;
        }

        return builder.Build();
    }

    // Read when the first DbContext is made, not at registration, so that test hosts can supply it late.
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"Connection string 'ConnectionStrings:{ConnectionStringName}' is not configured.");
}
