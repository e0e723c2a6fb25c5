using System.Globalization;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Soak;

/// <summary>The figures a soak scenario reports: one line in the test output and in <see cref="SoakPaths.ResultsFile"/>.</summary>
public sealed record SoakFigures(string Scenario, long RequestsTried, long FaultsInjected, long ItemsChecked, long Lost, long Duplicated, string Details)
{
    private static readonly Lock FileGate = new();

    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario,-16} requests tried: {RequestsTried}, faults injected: {FaultsInjected}, items checked: {ItemsChecked}, lost: {Lost}, duplicated: {Duplicated} ({Details})");

    public void Report(ITestOutputHelper output)
    {
        output.WriteLine(Line);
        lock (FileGate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SoakPaths.ResultsFile)!);
            File.AppendAllText(SoakPaths.ResultsFile, Line + Environment.NewLine);
        }
    }
}
