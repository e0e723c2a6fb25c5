using System.Globalization;
using DealToLead.Core.Conversions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Background;
using DealToLead.Infrastructure.Email;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.BulkConversion;

/// <summary>
/// The app with a real SMTP server in-process. The hosted worker and sender are switched off so each test
/// decides when jobs are processed and emails are sent, and can play several instances or a crash.
/// </summary>
public sealed class BulkConversionApp : DealToLeadApp
{
    public const string PublicUrl = "http://crm.example.test";

    public FakeSmtpServer Smtp { get; } = new();

    public BulkConversionWorker Worker => Services.GetRequiredService<BulkConversionWorker>();

    public OutboxEmailSender Sender => Services.GetRequiredService<OutboxEmailSender>();

    public override async Task InitializeAsync()
    {
        Settings["Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
        Settings["App:PublicUrl"] = PublicUrl;
        Settings["BulkConversion:WorkerEnabled"] = "false";
        Settings["Email:OutboxSenderEnabled"] = "false";
        Smtp.Start();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await Smtp.StopAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BulkConversionCollection : ICollectionFixture<BulkConversionApp>
{
    public const string Name = "bulk-conversion";
}

[Collection(BulkConversionCollection.Name)]
public abstract class BulkConversionTest(BulkConversionApp app) : IAsyncLifetime
{
    protected BulkConversionApp App { get; } = app;

    public async Task InitializeAsync()
    {
        await App.ResetAsync();
        App.Smtp.Clear();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Processes jobs until none is left, as the hosted worker would.</summary>
    protected async Task ProcessAllJobsAsync(string instanceId = "test-instance")
    {
        while (await App.Worker.ProcessOneJobAsync(instanceId))
        {
        }
    }

    protected Task<BulkConversionJob> JobAsync(Guid id) =>
        App.WithDbAsync(db => db.BulkConversionJobs.AsNoTracking().Include(j => j.Items.OrderBy(i => i.Position)).SingleAsync(j => j.Id == id));

    protected Task<int> LeadsFromDealsAsync() =>
        App.WithDbAsync(db => db.Leads.CountAsync(l => l.Source == Core.Leads.LeadSource.Deal));

    protected Task<BulkTestData> DataAsync() => BulkTestData.CreateAsync(App);
}
