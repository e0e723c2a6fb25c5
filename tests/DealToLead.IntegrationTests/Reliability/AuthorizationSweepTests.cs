using System.Net;
using System.Text;
using DealToLead.Core.Conversions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>
/// Every page and API route, taken from the app's endpoint metadata, called as anonymous, as the restricted user
/// and as another regular user (the rep, on the manager's objects). A route missing from the table fails the test.
/// </summary>
public class AuthorizationSweepTests(DealToLeadApp app, ITestOutputHelper output) : AppTest(app)
{
    // GET status for: anonymous, restricted@ (no conversion permission), rep@ (a regular user on the manager's data).
    // 302 = redirect to the login page; 401/403/404 = refused; 200 = allowed.
    private static readonly Dictionary<string, (int Anonymous, int Restricted, int Rep)> ExpectedGet = new()
    {
        ["/"] = (302, 302, 302),
        ["/Index"] = (302, 302, 302),
        ["/login"] = (200, 200, 200),
        ["/logout"] = (302, 302, 302),
        ["/Error"] = (200, 200, 200),
        ["/account/set-password"] = (200, 200, 200),
        ["/healthz"] = (200, 200, 200),
        ["/openapi/{documentName}.json"] = (200, 200, 200),
        ["/pipeline"] = (302, 200, 200),
        ["/pipeline/move/{dealId:int}"] = (302, 403, 403),
        ["/deals"] = (302, 200, 200),
        ["/deals/new"] = (302, 200, 200),
        ["/deals/{id:int}"] = (302, 200, 200),
        ["/deals/{id:int}/edit"] = (302, 403, 403),
        ["/deals/{id:int}/convert"] = (302, 403, 200),
        ["/deals/bulk-convert"] = (302, 403, 200),
        ["/conversions/{id:guid}"] = (302, 404, 404),
        // The sweep's id is no email's: who may see an email's frame is StoredHtmlTests' business.
        ["/emails/{id:int}/frame"] = (302, 404, 404),
        ["/emails/attachments/{id:int}"] = (302, 404, 404),
        ["/emails/unlinked"] = (302, 200, 200),
        ["/settings/email-sync"] = (302, 200, 200),
        ["/files/{id:int}/download"] = (302, 404, 404),
        ["/persons/{id:int}"] = (302, 200, 200),
        ["/organizations/{id:int}"] = (302, 200, 200),
        ["/persons"] = (302, 200, 200),
        ["/persons/new"] = (302, 200, 200),
        ["/organizations"] = (302, 200, 200),
        ["/organizations/new"] = (302, 200, 200),
        ["/leads/{view:regex(^archived$)?}"] = (302, 200, 200),
        ["/leads/new"] = (302, 200, 200),
        ["/leads/{id:guid}"] = (302, 200, 200),
        ["/leads/{id:guid}/edit"] = (302, 403, 403),
        ["/settings"] = (302, 200, 200),
        ["/settings/profile"] = (302, 200, 200),
        ["/settings/custom-fields"] = (302, 403, 403),
        ["/settings/users"] = (302, 403, 403),
        ["/settings/users/new"] = (302, 403, 403),
        ["/settings/users/{id:int}"] = (302, 403, 403),
        ["/settings/permission-sets"] = (302, 403, 403),
        ["/settings/permission-sets/{id:int}"] = (302, 403, 403),
        ["/settings/lead-labels"] = (302, 403, 403),
        ["/settings/conversion"] = (302, 403, 403),
        ["/settings/pipelines"] = (302, 403, 403),
        ["/settings/webhooks"] = (302, 403, 403),
    };

    [Fact]
    public async Task Every_route_answers_each_kind_of_user_as_the_table_says()
    {
        var ids = await CreateObjectsAsync();
        var routes = EnumerateRoutes();
        var clients = new Dictionary<string, HttpClient>
        {
            ["anonymous"] = App.ApiClient(token: null),
            ["restricted"] = await App.SignInAsync(DemoUsers.Restricted),
            ["rep"] = await App.SignInAsync(DemoUsers.Rep),
        };
        var tokens = new Dictionary<string, string?> { ["anonymous"] = null, ["restricted"] = DemoUsers.Restricted.ApiToken, ["rep"] = DemoUsers.Rep.ApiToken };

        var report = new StringBuilder();
        var mismatches = new List<string>();
        var pages = routes.Where(r => !r.Template.StartsWith("/api", StringComparison.Ordinal)).ToList();
        foreach (var route in pages.Where(r => r.Methods.Contains("GET")))
        {
            var url = Fill(route.Template, ids);
            var actual = new int[3];
            var who = new[] { "anonymous", "restricted", "rep" };
            for (var i = 0; i < 3; i++)
            {
                actual[i] = (int)(await clients[who[i]].GetAsync(url)).StatusCode;
            }

            report.AppendLine($"[\"{route.Template}\"] = ({actual[0]}, {actual[1]}, {actual[2]}),");
            if (!ExpectedGet.TryGetValue(route.Template, out var expected))
            {
                mismatches.Add($"{route.Template}: no entry in the table");
            }
            else if ((expected.Anonymous, expected.Restricted, expected.Rep) != (actual[0], actual[1], actual[2]))
            {
                mismatches.Add($"{route.Template}: expected {expected}, got ({actual[0]}, {actual[1]}, {actual[2]})");
            }
        }

        // Every API route refuses an anonymous caller with 401 JSON, whatever its method.
        var apiRoutes = routes.Where(r => r.Template.StartsWith("/api", StringComparison.Ordinal)).ToList();
        foreach (var route in apiRoutes)
        {
            foreach (var method in route.Methods)
            {
                var response = await clients["anonymous"].SendAsync(new HttpRequestMessage(new HttpMethod(method), Fill(route.Template, ids)));
                if (response.StatusCode != HttpStatusCode.Unauthorized || !(await response.Content.ReadAsStringAsync()).Contains("\"success\":false", StringComparison.Ordinal))
                {
                    mismatches.Add($"{method} {route.Template} as anonymous: {(int)response.StatusCode}");
                }
            }
        }

        // The admin-only API and the conversion API refuse users without the right, with 403 JSON.
        foreach (var (method, url, user) in new[]
        {
            ("GET", "/api/v1/permissionSets", "rep"),
            ("GET", $"/api/v1/permissionSets/{ids["set"]}", "restricted"),
            ("POST", $"/api/v2/deals/{ids["restrictedDeal"]}/convert/lead", "restricted"),
            ("POST", "/api/v1/leadLabels", "rep"),
            ("POST", "/api/v2/pipelines", "rep"),
            ("PATCH", "/api/v2/pipelines/1", "restricted"),
            ("DELETE", "/api/v2/pipelines/1", "rep"),
            ("POST", "/api/v2/stages", "restricted"),
            ("PATCH", "/api/v2/stages/1", "rep"),
            ("DELETE", "/api/v2/stages/1", "rep"),
            ("GET", "/api/v1/webhooks", "rep"),
            ("POST", "/api/v1/webhooks", "restricted"),
            ("DELETE", "/api/v1/webhooks/1", "rep"),
        })
        {
            var client = App.ApiClient(tokens[user]);
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
            if (response.StatusCode != HttpStatusCode.Forbidden)
            {
                mismatches.Add($"{method} {url} as {user}: {(int)response.StatusCode}");
            }
        }

        output.WriteLine(report.ToString());
        output.WriteLine($"authorization sweep: {pages.Count} page routes x 3 users, {apiRoutes.Count} API routes, {mismatches.Count} mismatches");
        ExpectedGet.Keys.Except(pages.Select(p => p.Template)).Should().BeEmpty("every table entry is a route that still exists");
        mismatches.Should().BeEmpty();
    }

    private List<(string Template, HashSet<string> Methods)> EnumerateRoutes()
    {
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        return endpoints
            .GroupBy(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            // Razor Pages carry no method metadata; their handlers are reached by GET (and POST with a token).
            .Select(g => (g.Key, g.SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).ToHashSet()))
            .Where(r => !r.Key.Contains("{**", StringComparison.Ordinal))
            .OrderBy(r => r.Key)
            .ToList();
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> ids)
    {
        string Id(string prefix) => prefix switch
        {
            _ when template.StartsWith("/deals", StringComparison.Ordinal) || template.StartsWith("/api/v2/deals", StringComparison.Ordinal) || template.StartsWith("/api/v1/deals", StringComparison.Ordinal) => ids["deal"],
            _ when template.StartsWith("/pipeline/move", StringComparison.Ordinal) => ids["deal"],
            _ when template.StartsWith("/leads", StringComparison.Ordinal) || template.Contains("/leads/", StringComparison.Ordinal) => ids["lead"],
            _ when template.Contains("persons", StringComparison.Ordinal) => ids["person"],
            _ when template.Contains("organizations", StringComparison.Ordinal) => ids["organization"],
            _ when template.Contains("users", StringComparison.Ordinal) => ids["user"],
            _ when template.Contains("ermission", StringComparison.Ordinal) => ids["set"],
            _ when template.Contains("conversion", StringComparison.Ordinal) => ids["job"],
            _ when template.Contains("leadLabels", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            _ => "1",
        };

        var url = System.Text.RegularExpressions.Regex.Replace(template, @"\{(\w+)(:[^}]*)?\}", m => m.Groups[1].Value switch
        {
            "documentName" => "v1",
            "conversionId" => Guid.NewGuid().ToString(),
            _ => Id(m.Groups[1].Value),
        });
        return url;
    }

    private async Task<Dictionary<string, string>> CreateObjectsAsync()
    {
        var managerId = await App.UserIdAsync(DemoUsers.Manager);
        var restrictedId = await App.UserIdAsync(DemoUsers.Restricted);
        var managersDeal = await App.WithDbAsync(new DealBuilder(managerId).Titled("Manager's deal").BuildAsync);
        var toConvert = await App.WithDbAsync(new DealBuilder(managerId).Titled("Manager's lead").BuildAsync);
        var restrictedDeal = await App.WithDbAsync(new DealBuilder(restrictedId).Titled("Rita's deal").BuildAsync);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Core.Data.CrmDbContext>();
        var manager = (await Core.Users.UserAccess.LoadAsync(db, managerId))!;
        var lead = await scope.ServiceProvider.GetRequiredService<DealConversionService>().ConvertDealToLeadAsync(manager, toConvert.Id);
        // A won deal: the job is rejected for it, so the background worker changes nothing the sweep looks at.
        var wonDeal = await App.WithDbAsync(new DealBuilder(managerId).Titled("Manager's won deal").WithStatus(Core.Crm.DealStatus.Won).BuildAsync);
        var submission = await scope.ServiceProvider.GetRequiredService<BulkConversionSubmitter>().SubmitAsync(manager, BulkSelection.Of([wonDeal.Id]));
        return new Dictionary<string, string>
        {
            ["deal"] = managersDeal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["restrictedDeal"] = restrictedDeal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["lead"] = lead!.LeadId!.Value.ToString(),
            ["person"] = managersDeal.PersonId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["organization"] = managersDeal.OrganizationId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["user"] = managerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["set"] = (await db.PermissionSets.Select(s => s.Id).FirstAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["job"] = submission.JobId!.Value.ToString(),
        };
    }
}
