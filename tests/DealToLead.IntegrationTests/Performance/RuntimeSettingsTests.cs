using System.Text.Json;

namespace DealToLead.IntegrationTests.Performance;

/// <summary>The runtime settings the app is built with, read from the runtimeconfig the build writes.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void The_app_runs_with_workstation_gc()
    {
        // A misspelt MSBuild property once left the app on server GC unnoticed: 334 MB peak against 267 MB.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DealToLead.Web.runtimeconfig.json")));

        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.Server").GetBoolean().Should().BeFalse();
    }
}
