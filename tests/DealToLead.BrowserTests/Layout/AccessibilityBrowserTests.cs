using System.Text.Json;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DealToLead.BrowserTests.Layout;

/// <summary>
/// Issue #20: axe-core (npm, pinned in this project's package-lock.json) finds nothing on any page, in English and
/// Swedish, at 390 × 844 and 1440 × 900. A page with violations is photographed under
/// .data/test-results/axe/ and every violation is named in the failure.
/// </summary>
public class AccessibilityBrowserTests(BrowserApp app, ITestOutputHelper output) : BrowserTest(app)
{
    private static readonly (int Width, int Height, string Name)[] Screens = [(390, 844, "phone"), (1440, 900, "wide")];

    /// <summary>Each violation as "rule (impact): help | first nodes"; axe runs its default rules (WCAG A/AA and best practice).</summary>
    private const string RunAxe = """
        async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return JSON.stringify(result.violations.map(v => ({
                rule: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 220)),
            })));
        }
        """;

    private static string AxeScript
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "package.json")))
            {
                directory = directory.Parent;
            }

            var path = directory is null ? null : Path.Combine(directory.FullName, "node_modules", "axe-core", "axe.min.js");
            return path is not null && File.Exists(path) ? path : throw new InvalidOperationException("axe-core is not installed: run 'npm ci' in tests/DealToLead.BrowserTests (scripts/test.sh does)");
        }
    }

    private static string ResultsDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("DEALTOLEAD_TEST_RESULTS") is { Length: > 0 } results
            ? results
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", ".data", "test-results")), "axe");

    [Theory]
    [InlineData("en-US")]
    [InlineData("sv-SE")]
    public async Task Axe_finds_no_violations_on_any_page_on_a_phone_and_a_wide_screen(string language)
    {
        var (deal, _, lead) = await PhoneAndWideScreenBrowserTests.WorldAsync(App);

        // A label of every colour, all on the lead, so that the chips (their contrast) and the labels picker are checked too.
        await App.WithDbAsync(async db =>
        {
            var labels = Enum.GetValues<LeadLabelColor>().Select(color => new LeadLabel { Name = $"Label {color}", Color = color }).ToList();
            db.LeadLabels.AddRange(labels);
            await db.SaveChangesAsync();
            var stored = await db.Leads.FindAsync(lead.Id);
            stored!.LabelIds = [.. labels.Select(l => l.Id)];
            await db.SaveChangesAsync();
        });
        var routes = PhoneAndWideScreenBrowserTests.Routes(deal, lead)
            .Concat([$"/persons/{deal.PersonId}", $"/organizations/{deal.OrganizationId}", "/settings/webhooks"])
            .ToArray();
        var axe = AxeScript;

        // One context for every page (the machine is small); the browser's language picks the UI language. BypassCSP: the
        // app allows only its own scripts, and axe is injected inline.
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, Locale = language, BypassCSP = true });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        var byRule = new SortedDictionary<string, int>(StringComparer.Ordinal);

        async Task CheckAsync(string route, string screen)
        {
            await page.AddScriptTagAsync(new() { Path = axe });
            var found = JsonSerializer.Deserialize<List<AxeViolation>>(await page.EvaluateAsync<string>(RunAxe), JsonOptions)!;
            if (found.Count == 0)
            {
                return;
            }

            var name = $"{language}-{screen}-{Slug(route)}";
            Directory.CreateDirectory(ResultsDirectory);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ResultsDirectory, name + ".png"), FullPage = true });
            foreach (var violation in found)
            {
                byRule[violation.Rule] = byRule.GetValueOrDefault(violation.Rule) + 1;
                violations.Add($"{route} [{language}, {screen}] {violation.Rule} ({violation.Impact}, {violation.Count} nodes): {violation.Help} | {string.Join(" | ", violation.Nodes)}");
            }
        }

        foreach (var (width, height, screen) in Screens)
        {
            await page.SetViewportSizeAsync(width, height);
            await context.ClearCookiesAsync();
            await page.GotoAsync("/login");
            await CheckAsync("/login", screen);
            await page.Locator("#email").FillAsync(DemoUsers.Admin.Email);
            await page.Locator("#password").FillAsync(DemoUsers.Password);
            await page.Locator("form button[type=submit]").First.ClickAsync();
            await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(DemoUsers.Admin.DisplayName);

            foreach (var route in routes)
            {
                var response = await page.GotoAsync(route);
                response!.Ok.Should().BeTrue(route);
                await CheckAsync(route, screen);
            }
        }

        output.WriteLineSafe($"axe violations ({language}), pages per rule: " + (byRule.Count == 0 ? "none" : string.Join(", ", byRule.Select(r => $"{r.Key} {r.Value}"))));
        output.WriteLineSafe(string.Join(Environment.NewLine, violations));
        string.Join(Environment.NewLine, violations).Should().BeEmpty($"axe must find nothing (screenshots of the failing pages are in {ResultsDirectory})");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static string Slug(string route) =>
        new string(route.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-') is { Length: > 0 } slug ? slug[..Math.Min(slug.Length, 60)] : "root";

    private sealed record AxeViolation(string Rule, string? Impact, string Help, int Count, List<string> Nodes);
}
