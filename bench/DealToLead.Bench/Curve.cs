using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DealToLead.Bench;

/// <summary>
/// <c>--scale</c>'s summary: the p95 of the inbox and list scenarios at each seeded size (one results file per size,
/// measured in the same database as it grew), and the growth from 100,000 to 1,000,000 against the issue's 1.3 ×.
/// </summary>
public static class Curve
{
    public static string Table(IReadOnlyList<(int Rows, string Path)> runs)
    {
        var figures = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        var order = new List<string>();
        var loads = new List<string>();
        foreach (var (rows, path) in runs)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            loads.Add($"{rows:N0}: {document.RootElement.GetProperty("machine").GetProperty("load_average_at_start").GetString()}");
            foreach (var row in document.RootElement.GetProperty("rows").EnumerateArray())
            {
                var scenario = row.GetProperty("scenario").GetString()!;
                var figure = row.GetProperty("figure").GetString()!;
                if (!figure.StartsWith("p95", StringComparison.Ordinal) || row.GetProperty("value").ValueKind != JsonValueKind.Number
                    || !(scenario.StartsWith("3 ", StringComparison.Ordinal) || scenario.StartsWith("5 ", StringComparison.Ordinal)))
                {
                    continue;
                }

                if (!figures.TryGetValue(scenario, out var bySize))
                {
                    figures[scenario] = bySize = [];
                    order.Add(scenario);
                }

                bySize[rows] = row.GetProperty("value").GetDouble();
            }
        }

        var sizes = runs.Select(r => r.Rows).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"scenario (p95, ms) | {string.Join(" | ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} | 1,000,000 vs 100,000 | target | result");
        foreach (var scenario in order)
        {
            var bySize = figures[scenario];
            var cells = sizes.Select(s => bySize.TryGetValue(s, out var v) ? v.ToString("F1", CultureInfo.InvariantCulture) : "-");
            var growth = bySize.TryGetValue(1_000_000, out var large) && bySize.TryGetValue(100_000, out var small) ? large / small : double.NaN;
            var result = double.IsNaN(growth) ? "not available" : growth <= 1.3 ? "pass" : "FAIL";
            text.AppendLine(CultureInfo.InvariantCulture, $"{scenario} | {string.Join(" | ", cells)} | {growth:F2} × | ≤ 1.3 × | {result}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"load average at the start of each run: {string.Join("; ", loads)}");
        return text.ToString();
    }
}
