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
        services.AddDbContextPool<CrmDbContext>((provider, options) => options
            .UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql
                .MigrationsAssembly(typeof(DependencyInjection).Assembly.GetName().Name)
                .EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(provider.GetRequiredService<AuditingInterceptor>(), provider.GetRequiredService<UnprepareFailedCommands>(), StoredHtmlInterceptor.Instance,
                provider.GetRequiredService<ReferenceDataCache.Invalidation>())
            .AddInterceptors(provider.GetServices<IInterceptor>()));

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
        services.AddScoped<Core.Crm.ContactCommands>();
        services.AddScoped<Core.Crm.PipelineAdministration>();
        services.AddHostedService<Background.DeletedDealPurger>();
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<Seeding.ReferenceData>();
        services.AddScoped<Seeding.DemoSeeder>();
        return services;
    }

    /// <summary>
    /// The app's connections, with two defaults a connection string may override (docs/decisions/0007):
    /// prepared statements, so PostgreSQL parses and plans each query once per connection rather than on every request,
    /// and no reset when a connection returns to the pool, which is safe because the app keeps no session state
    /// (its settings and locks are all transaction-scoped).
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
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

        return builder.Build();
    }

    // Read when the first DbContext is made, not at registration, so that test hosts can supply it late.
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"Connection string 'ConnectionStrings:{ConnectionStringName}' is not configured.");
}
