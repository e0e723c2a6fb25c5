using DealToLead.Core.Data;
using DealToLead.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.Infrastructure;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Crm";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<AuditingInterceptor>();
        services.AddDbContext<CrmDbContext>((provider, options) => options
            .UseNpgsql(ConnectionString(provider.GetRequiredService<IConfiguration>()), npgsql => npgsql
                .MigrationsAssembly(typeof(DependencyInjection).Assembly.GetName().Name)
                .EnableRetryOnFailure(maxRetryCount: 3, maxRetryDelay: TimeSpan.FromSeconds(2), errorCodesToAdd: null))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(provider.GetRequiredService<AuditingInterceptor>())
            .AddInterceptors(provider.GetServices<IInterceptor>()));

        services.AddScoped<Core.Conversions.DealConversionService>();
        services.AddScoped<Core.Conversions.BulkConversionSubmitter>();
        services.AddSingleton<Core.Conversions.BulkConversionSignal>();
        services.AddSingleton<Background.BulkConversionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<Background.BulkConversionWorker>());
        services.AddOptions<Email.SmtpOptions>().BindConfiguration(Email.SmtpOptions.Section);
        services.AddSingleton<Email.OutboxEmailSender>();
        services.AddHostedService(sp => sp.GetRequiredService<Email.OutboxEmailSender>());
        services.AddScoped<Core.Users.PermissionAdministration>();
        services.AddScoped<Core.Crm.DealCommands>();
        services.AddScoped<Core.Crm.PipelineAdministration>();
        services.AddHostedService<Background.DeletedDealPurger>();
        services.AddScoped<DatabaseMigrator>();
        services.AddScoped<Seeding.ReferenceData>();
        services.AddScoped<Seeding.DemoSeeder>();
        return services;
    }

    // Read when the first DbContext is made, not at registration, so that test hosts can supply it late.
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName)
        ?? throw new InvalidOperationException($"Connection string 'ConnectionStrings:{ConnectionStringName}' is not configured.");
}
