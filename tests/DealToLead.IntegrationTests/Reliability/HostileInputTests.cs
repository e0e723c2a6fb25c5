using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>
/// A deterministic generator of malformed and adversarial API requests against every API route: the app must
/// answer each with a JSON error and a 4xx (or succeed), never a 5xx, and leave the database consistent.
/// </summary>
public partial class HostileInputTests(DealToLeadApp app, ITestOutputHelper output) : AppTest(app)
{
    private const int Requests = 10_000;

    // No NUL byte in paths: the in-process test server refuses to build such a request (Kestrel answers 400).
    private static readonly string[] IdValues =
    [
        "999999", "0", "-1", "2147483648", "abc", "1.5", "' OR 1=1 --", "%2500", "00000000-0000-0000-0000-000000000000",
        "not-a-guid", "%E2%80%AE", "1;DROP TABLE deals", new string('9', 400),
    ];

    private static readonly string[] QueryValues =
    [
        "-5", "abc", "99999999999", "<script>alert(1)</script>", "' OR '1'='1", "\u0000", "%00", "😀", "NaN", "true", "[]", "{}", new string('x', 3000),
    ];

    private static readonly string[] QueryNames = ["start", "limit", "status", "owner_id", "sort", "source_name", "pipeline_id", "stage_id", "person_id", "deal_id", "api_token"];

    [Fact]
    public async Task Ten_thousand_hostile_api_requests_get_json_4xx_or_success_and_never_a_5xx()
    {
        var managerId = await App.UserIdAsync(DemoUsers.Manager);
        var deal = await App.WithDbAsync(new DealBuilder(managerId).Private().BuildAsync);
        var validIds = new[] { deal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), deal.PersonId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var routes = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Template: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();
        var client = App.ApiClient(DemoUsers.Rep);
        var random = new Random(20261127);
        var requests = Enumerable.Range(0, Requests).Select(_ => Generate(random, routes, validIds)).ToList();
        var statuses = new ConcurrentDictionary<int, int>();
        var problems = new ConcurrentQueue<string>();

        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, cancellationToken) =>
        {
            using var message = request.ToMessage();
            using var response = await client.SendAsync(message, cancellationToken);
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (status >= 500)
            {
                problems.Enqueue($"{status} {request}: {body[..Math.Min(body.Length, 300)]}");
            }
            else if (status >= 400 && (response.Content.Headers.ContentType?.MediaType != "application/json" || !body.Contains("\"success\":false", StringComparison.Ordinal)))
            {
                problems.Enqueue($"{status} without a JSON error: {request}: {body[..Math.Min(body.Length, 200)]}");
            }
        });

        var violations = await ConsistencyChecker.FindViolationsAsync(App.ConnectionString);
        output.WriteLine($"hostile input: requests tried {Requests}, routes {routes.Count}, statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}, 5xx {statuses.Where(s => s.Key >= 500).Sum(s => s.Value)}, consistency violations {violations.Count}");
        foreach (var problem in problems.Take(20))
        {
            output.WriteLine(problem);
        }

        foreach (var error in App.Log.Lines.Where(l => l.Contains("Exception:", StringComparison.Ordinal)).Take(3))
        {
            output.WriteLine(error[..Math.Min(error.Length, 3000)]);
        }

        problems.Should().BeEmpty();
        violations.Should().BeEmpty();
    }

    private static HostileRequest Generate(Random random, List<(string Method, string Template)> routes, string[] validIds)
    {
        var (method, template) = routes[random.Next(routes.Count)];
        var path = RouteParameter().Replace(template, m => random.Next(3) == 0 ? validIds[random.Next(validIds.Length)] : IdValues[random.Next(IdValues.Length)]);
        if (random.Next(2) == 0)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"{QueryNames[random.Next(QueryNames.Length)]}={Uri.EscapeDataString(QueryValues[random.Next(QueryValues.Length)])}"));
            path += "?" + query;
        }

        return new HostileRequest(method, path, method is "GET" or "DELETE" && random.Next(4) != 0 ? null : Body(random), random.Next(10) == 0 ? "text/plain" : "application/json");
    }

    private static string Body(Random random) => random.Next(12) switch
    {
        0 => "{",
        1 => "null",
        2 => "[]",
        3 => string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)),
        4 => "{\"title\":\"" + new string('x', 300_000) + "\"}",
        5 => "{\"title\":123,\"value\":\"lots\",\"currency\":[],\"person_id\":\"abc\",\"org_id\":-1,\"ids\":\"all\",\"stage_id\":{}}",
        6 => "{\"title\":\"<script>alert(1)</script>\",\"person_id\":1,\"content\":\"<img src=x onerror=alert(1)>\",\"name\":\"'); DROP TABLE deals; --\"}",
        7 => "{\"title\":\"\\u0000\\u202e\\ud83d\\ude00 control\\u0007\",\"ids\":[" + string.Join(',', Enumerable.Range(1, 20_000)) + "]}",
        8 => "{\"ids\":[1,2,3],\"filter\":{\"status\":\"nonsense\",\"owner_id\":\"x\"}}",
        9 => "{\"value\":1e400,\"probability\":-5,\"expected_close_date\":\"2026-13-45\",\"visible_to\":\"99\"}",
        10 => "{\"stage_id\":999999,\"pipeline_id\":-3,\"due_date\":\"yesterday\",\"type\":\"teleport\"}",
        _ => "{\"custom_fields\":{\"nope\":{\"a\":{\"b\":[1,2,{\"c\":null}]}}},\"label_ids\":[\"not-a-guid\"],\"was_seen\":\"maybe\"}",
    };

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();

    private sealed record HostileRequest(string Method, string Path, string? Body, string ContentType)
    {
        public HttpRequestMessage ToMessage() => new(new HttpMethod(Method), Path)
        {
            Content = Body is null ? null : new StringContent(Body, Encoding.UTF8, ContentType),
        };

        public override string ToString() => $"{Method} {Path[..Math.Min(Path.Length, 120)]} body: {Body?[..Math.Min(Body.Length, 80)]}";
    }
}
