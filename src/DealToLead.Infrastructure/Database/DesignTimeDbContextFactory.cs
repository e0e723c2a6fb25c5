using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace DealToLead.Infrastructure.Database;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web app.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<CrmDbContext>
{
    public CrmDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Crm")
            ?? "Host=127.0.0.1;Port=55432;Database=dealtolead;Username=postgres";
        var options = new DbContextOptionsBuilder<CrmDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(typeof(DesignTimeDbContextFactory).Assembly.GetName().Name))
            .UseSnakeCaseNamingConvention()
            .Options;
        return new CrmDbContext(options);
    }
}
