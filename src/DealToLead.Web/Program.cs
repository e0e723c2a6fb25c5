using DealToLead.Infrastructure;
using DealToLead.Infrastructure.Database;
using DealToLead.Infrastructure.Seeding;
using DealToLead.Web;
using Serilog;

var builder = WebApplication.CreateBuilder(args);
builder.AddDealToLeadLogging();
builder.Services.AddInfrastructure();
builder.Services.AddDealToLeadWeb();

var app = builder.Build();

if (args.Contains("migrate"))
{
    // Production applies migrations as a deliberate step: `dotnet DealToLead.Web.dll migrate`.
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    return;
}

if (app.Configuration.GetValue<bool>("Database:MigrateOnStartup"))
{
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
    if (app.Environment.IsDevelopment() && app.Configuration.GetValue<bool>("Seed:Demo"))
    {
        await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
    }
}

app.UseDealToLeadPipeline();

try
{
    await app.RunAsync();
}
finally
{
    await Log.CloseAndFlushAsync();
}

public partial class Program;
