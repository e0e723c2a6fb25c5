using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DealToLead.Bench;

public enum Verdict
{
    Info,
    Pass,
    Fail,
    NotAvailable,
}

/// <summary>One line of the table: a figure, its target, and its ratio to the ceiling measured in the same run.</summary>
public sealed record Row(string Scenario, string Figure, double? Value, string Unit, string Target, double? Ratio, string? RatioTo, Verdict Verdict, string? Note = null)
{
    public static Row Checked(string scenario, string figure, double value, string unit, string target, bool met, double? ratio = null, string? ratioTo = null, string? note = null) =>
        new(scenario, figure, value, unit, target, ratio, ratioTo, double.IsNaN(value) ? Verdict.NotAvailable : met ? Verdict.Pass : Verdict.Fail, note);

    public static Row Unavailable(string scenario, string figure, string target, string why) =>
        new(scenario, figure, null, string.Empty, target, null, null, Verdict.NotAvailable, why);
}

public sealed class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public List<Row> Rows { get; } = [];

    public Dictionary<string, object?> Machine { get; } = [];

    public void Add(Row row)
    {
        Rows.Add(row);
        Console.WriteLine($"  {row.Scenario}: {row.Figure} = {FormatValue(row)} ({Describe(row.Verdict, row.Scenario)}){(row.Note is null ? string.Empty : "  " + row.Note)}");
    }

    public string Table()
    {
        var lines = new List<string[]> { new[] { "Scenario", "Figure", "Value", "Target", "Ratio to ceiling", "Result" } };
        lines.AddRange(Rows.Select(r => new[]
        {
            r.Scenario, r.Figure, FormatValue(r), r.Target,
            r.Ratio is { } ratio ? string.Create(CultureInfo.InvariantCulture, $"{ratio:F3} × {r.RatioTo}") : string.Empty,
            Describe(r.Verdict, r.Scenario),
        }));
        var widths = Enumerable.Range(0, 6).Select(c => lines.Max(l => l[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var (line, index) in lines.Select((l, i) => (l, i)))
        {
            text.AppendLine(string.Join(" | ", line.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            if (index == 0)
            {
                text.AppendLine(string.Join("-|-", widths.Select(w => new string('-', w))));
            }
        }

        foreach (var row in Rows.Where(r => r.Note is not null && r.Verdict is Verdict.NotAvailable or Verdict.Fail))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"note: {row.Scenario} / {row.Figure}: {row.Note}");
        }

        return text.ToString();
    }

    public async Task WriteAsync(string path, bool quick)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            GeneratedAt = DateTimeOffset.UtcNow,
            Mode = quick ? "quick" : "full",
            Machine,
            Rows = Rows.Select(r => new { r.Scenario, r.Figure, r.Value, r.Unit, r.Target, r.Ratio, r.RatioTo, r.Verdict, r.Note }),
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
    }

    private static string FormatValue(Row row) => row.Value is { } value
        ? string.Create(CultureInfo.InvariantCulture, $"{(Math.Abs(value) >= 100 ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("F2", CultureInfo.InvariantCulture))} {row.Unit}").Trim()
        : "-";

    private static string Describe(Verdict verdict, string scenario) => verdict switch
    {
        Verdict.Pass => "pass",
        Verdict.Fail => "FAIL",
        Verdict.NotAvailable => "not available",
        _ when scenario.StartsWith("0 ", StringComparison.Ordinal) => "ceiling",
        _ => "shown",
    };
}
