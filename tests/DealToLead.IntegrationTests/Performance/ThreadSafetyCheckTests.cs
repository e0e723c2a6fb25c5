using DealToLead.Core.Data;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static DealToLead.Infrastructure.DependencyInjection;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>
/// EF's check against a DbContext used by two operations at once costs two async-local writes per row read
/// (docs/decisions/0031): the shipped configuration turns it off, while Development and the test hosts keep it on,
/// where such a bug would show.
/// </summary>
public sealed class ThreadSafetyCheckTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public void The_shipped_configuration_turns_the_check_off_and_development_keeps_it_on()
    {
        var contentRoot = App.Services.GetRequiredService<IWebHostEnvironment>().ContentRootPath;
        bool? Setting(params string[] files) => files
            .Aggregate(new ConfigurationBuilder().SetBasePath(contentRoot), (builder, file) => builder.AddJsonFile(file, optional: false))
            .Build().GetValue<bool?>(ThreadSafetyChecksSetting);

        Setting("appsettings.json").Should().BeFalse();
        Setting("appsettings.json", "appsettings.Development.json").Should().BeTrue();
    }

    [Fact]
    public void A_host_configured_without_the_check_builds_contexts_without_it()
    {
        using var host = App.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { [ThreadSafetyChecksSetting] = "false" })));
        using var scope = host.Services.CreateScope();

        ChecksEnabled(scope.ServiceProvider.GetRequiredService<CrmDbContext>()).Should().BeFalse();
    }

    [Fact]
    public void The_test_host_keeps_the_check()
    {
        using var scope = App.Services.CreateScope();

        ChecksEnabled(scope.ServiceProvider.GetRequiredService<CrmDbContext>()).Should().BeTrue();
    }

    private static bool ChecksEnabled(DbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.ThreadSafetyChecksEnabled;
}
