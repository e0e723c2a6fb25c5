using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>
/// Issue #17 §7: every operation of the app's own OpenAPI document gets a table of malformed inputs (wrong types,
/// NUL, surrogates, invalid UTF-8, huge strings and numbers, unknown and duplicate ids, bodies over the limit). No
/// answer may be a 5xx or a non-JSON API error; afterwards another user's valid requests all succeed and the
/// conversion invariants hold. An endpoint added to the app is swept without editing this test.
/// </summary>
public partial class HostileInputTests(DealToLeadApp app, ITestOutputHelper output) : AppTest(app)
{
    private const int FollowUps = 100;

    [Fact]
    public async Task Every_operation_in_the_openapi_document_survives_the_hostile_input_table()
    {
        var sweep = await PrepareAsync();
        var requests = sweep.Operations.SelectMany(sweep.Table).ToList();

        await RunAsync(sweep, requests);
    }

    [Fact]
    [Trait("Category", "Soak")]
    public async Task Ten_thousand_hostile_requests_drawn_from_the_openapi_document_leave_the_app_healthy()
    {
        var sweep = await PrepareAsync();
        var table = sweep.Operations.SelectMany(sweep.Table).ToList();
        var random = new Random(20261201);
        // The whole table once, then random draws with a second hostile value in the query string.
        var requests = table.Concat(Enumerable.Range(0, Math.Max(0, 10_000 - table.Count)).Select(_ => sweep.Mutate(table[random.Next(table.Count)], random))).Take(Math.Max(10_000, table.Count)).ToList();

        await RunAsync(sweep, requests);
    }

    private async Task<Sweep> PrepareAsync()
    {
        var managerId = await App.UserIdAsync(DemoUsers.Manager);
        var repId = await App.UserIdAsync(DemoUsers.Rep);
        var privateDeal = await App.WithDbAsync(new DealBuilder(managerId).Private().WithWorld().BuildAsync);
        var ownDeal = await App.WithDbAsync(new DealBuilder(repId).WithWorld().BuildAsync);
        var leadId = await App.WithDbAsync(db => db.Leads.Select(l => (Guid?)l.Id).FirstOrDefaultAsync());
        using var document = JsonDocument.Parse(await App.ApiClient(DemoUsers.Rep).GetStringAsync("/openapi/v1.json"));
        var operations = Operation.All(document.RootElement);
        operations.Should().HaveCountGreaterThan(40, "the OpenAPI document lists the API");
        var validIds = new[]
        {
            ownDeal.Id.ToString(CultureInfo.InvariantCulture), privateDeal.Id.ToString(CultureInfo.InvariantCulture),
            ownDeal.PersonId!.Value.ToString(CultureInfo.InvariantCulture), (leadId ?? Guid.CreateVersion7()).ToString(),
        };
        return new Sweep(operations, validIds, [ownDeal.Id, privateDeal.Id]);
    }

    private async Task RunAsync(Sweep sweep, List<HostileRequest> requests)
    {
        var client = App.ApiClient(DemoUsers.Rep);
        var statuses = new ConcurrentDictionary<int, int>();
        var problems = new ConcurrentQueue<string>();
        var started = System.Diagnostics.Stopwatch.StartNew();

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
        var swept = started.Elapsed;

        var followUpFailures = await FollowUpsAsync();
        var violations = await ConsistencyChecker.FindViolationsAsync(App.ConnectionString);
        output.WriteLine($"hostile input: operations {sweep.Operations.Count}, requests {requests.Count} in {swept.TotalSeconds:0.0} s, statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}, 5xx {statuses.Where(s => s.Key >= 500).Sum(s => s.Value)}, follow-up failures {followUpFailures.Count}, consistency violations {violations.Count}");
        foreach (var problem in problems.Take(20).Concat(followUpFailures.Take(5)))
        {
            output.WriteLine(problem);
        }

        problems.Should().BeEmpty();
        followUpFailures.Should().BeEmpty();
        violations.Should().BeEmpty();
    }

    /// <summary>Another user's ordinary requests, each statement shape several times, on whatever connections the sweep left.</summary>
    private async Task<List<string>> FollowUpsAsync()
    {
        var manager = App.ApiClient(DemoUsers.Manager);
        // The sweep may have deleted every contact it could; the follow-ups bring their own.
        var personId = await App.WithDbAsync(async db =>
        {
            var person = new Person { Name = "Follow-up contact" };
            db.Persons.Add(person);
            await db.SaveChangesAsync();
            return person.Id;
        });
        (string Method, string Path, string? Body, HttpStatusCode Expected)[] valid =
        [
            ("GET", "/api/v2/deals?limit=5", null, HttpStatusCode.OK),
            ("GET", "/api/v1/leads?limit=5", null, HttpStatusCode.OK),
            ("GET", "/api/v2/persons?limit=5", null, HttpStatusCode.OK),
            ("POST", "/api/v2/persons", "{\"name\":\"Follow-up\",\"emails\":[{\"value\":\"f@example.com\"}]}", HttpStatusCode.Created),
            ("POST", "/api/v2/deals", $"{{\"title\":\"Follow-up\",\"person_id\":{personId}}}", HttpStatusCode.Created),
            ("POST", "/api/v2/deals/convert/lead", "{\"filter\":{\"search\":\"matches nothing at all\"}}", HttpStatusCode.BadRequest),
            ("GET", "/api/v1/users/me", null, HttpStatusCode.OK),
        ];
        var failures = new List<string>();
        for (var n = 0; n < FollowUps; n++)
        {
            var (method, path, body, expected) = valid[n % valid.Length];
            using var response = await manager.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
            });
            if (response.StatusCode != expected)
            {
                failures.Add($"follow-up {method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        return failures;
    }

    /// <summary>One operation of the OpenAPI document; route parameters missing from its metadata come from the template.</summary>
    private sealed record Operation(string Method, string Template, IReadOnlyList<string> PathParameters, IReadOnlyList<string> QueryParameters, IReadOnlyList<string> BodyProperties, bool TakesBody)
    {
        public static List<Operation> All(JsonElement document)
        {
            var schemas = document.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
            var operations = new List<Operation>();
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
                {
                    var parameters = method.Value.TryGetProperty("parameters", out var p) ? p.EnumerateArray().ToList() : [];
                    var inPath = parameters.Where(x => x.GetProperty("in").GetString() == "path").Select(x => x.GetProperty("name").GetString()!)
                        .Union(RouteParameter().Matches(path.Name).Select(m => m.Groups[1].Value)).ToList();
                    var inQuery = parameters.Where(x => x.GetProperty("in").GetString() == "query").Select(x => x.GetProperty("name").GetString()!).ToList();
                    var properties = new List<string>();
                    var takesBody = method.Value.TryGetProperty("requestBody", out var requestBody);
                    if (takesBody && requestBody.TryGetProperty("content", out var content))
                    {
                        foreach (var media in content.EnumerateObject())
                        {
                            properties.AddRange(Properties(media.Value.TryGetProperty("schema", out var schema) ? schema : default, schemas));
                        }
                    }

                    var verb = method.Name.ToUpperInvariant();
                    operations.Add(new Operation(verb, path.Name, inPath, inQuery, properties.Distinct().ToList(), takesBody || verb is "POST" or "PUT" or "PATCH"));
                }
            }

            return operations;
        }

        private static IEnumerable<string> Properties(JsonElement schema, JsonElement schemas)
        {
            if (schema.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            if (schema.TryGetProperty("$ref", out var reference) && schemas.ValueKind == JsonValueKind.Object
                && schemas.TryGetProperty(reference.GetString()!.Split('/')[^1], out var target))
            {
                schema = target;
            }

            return schema.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => p.Name).ToList() : [];
        }

        public override string ToString() => $"{Method} {Template}";
    }

    private sealed class Sweep(List<Operation> operations, string[] validIds, int[] dealIds)
    {
        // The guard's limit for JSON bodies, plus some: one shared array, so the table stays cheap to build.
        private static readonly byte[] OverLimitBody = Encoding.UTF8.GetBytes("{\"title\":\"" + new string('x', 8 * 1024 * 1024 + 10) + "\"}");

        // Raw, already percent-encoded: "%ED%A0%80" is a UTF-8-encoded lone surrogate, "%FF" no UTF-8 at all.
        private static readonly string[] PathValues =
        [
            "999999", "0", "-1", "2147483648", "99999999999999999999", "abc", "1.5", "%2500", "%ED%A0%80", "%FF",
            "00000000-0000-0000-0000-000000000000", "not-a-guid", new string('9', 400),
        ];

        private static readonly string[] QueryValues =
        [
            "%00", "a%00b", "%ED%A0%80", "%FF", "-5", "abc", "99999999999999999999", "1e400", "NaN", "%5B%5D", new string('x', 5000),
        ];

        private static readonly string[] CommonProperties = ["title", "name", "person_id", "org_id", "ids", "filter", "custom_fields", "emails", "phones", "value", "stage_id", "pipeline_id", "label_ids", "content", "subject", "due_date", "color", "owner_id"];

        public List<Operation> Operations { get; } = operations;

        public IEnumerable<HostileRequest> Table(Operation operation)
        {
            var valid = Fill(operation.Template, _ => validIds[0]);
            foreach (var parameter in operation.PathParameters)
            {
                foreach (var value in PathValues.Concat(validIds.Skip(1)))
                {
                    yield return new HostileRequest(operation.Method, Fill(operation.Template, name => name == parameter ? value : validIds[0]), operation.TakesBody ? Utf8("{}") : null);
                }
            }

            foreach (var parameter in operation.QueryParameters.Concat(["start", "limit", "api_token"]).Distinct())
            {
                foreach (var value in QueryValues)
                {
                    yield return new HostileRequest(operation.Method, $"{valid}?{parameter}={value}", null);
                }
            }

            if (!operation.TakesBody)
            {
                yield break;
            }

            foreach (var property in operation.BodyProperties.Concat(CommonProperties).Distinct())
            {
                foreach (var value in new[] { "\"\\u0000\"", "\"a\\ud800b\"", "1e29", "-1e400", "123456789012345678901234567890", "\"" + new string('x', 100_000) + "\"", "[null]", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "true" })
                {
                    yield return new HostileRequest(operation.Method, valid, Utf8($"{{\"{property}\":{value}}}"));
                }

                yield return new HostileRequest(operation.Method, valid, [.. Utf8($"{{\"{property}\":\""), 0xC3, 0x28, .. Utf8("\"}")]);
            }

            var duplicates = string.Join(',', Enumerable.Repeat(dealIds[0], 50).Concat(Enumerable.Repeat(dealIds[1], 50)));
            foreach (var body in new[]
            {
                "{", "null", "[]", "\"text\"", string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000)),
                $"{{\"ids\":[{duplicates}]}}", "{\"ids\":[" + string.Join(',', Enumerable.Range(1, 20_000)) + "]}", "{\"ids\":[999999,999998,-1,0]}",
                "{\"ids\":[1],\"filter\":{}}", "{\"filter\":{\"search\":\"\\u0000\",\"status\":\"nonsense\",\"owner_id\":\"x\",\"min_value\":1e400}}",
                "{\"custom_fields\":{\"\\u0000\":1,\"seats\":1e29}}",
            })
            {
                yield return new HostileRequest(operation.Method, valid, Utf8(body));
            }

            yield return new HostileRequest(operation.Method, valid, OverLimitBody);
            yield return new HostileRequest(operation.Method, valid, Utf8("{\"title\":\"x\"}"), "text/plain");
        }

        public HostileRequest Mutate(HostileRequest request, Random random) =>
            request with { Path = request.Path + (request.Path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + $"sort={QueryValues[random.Next(QueryValues.Length)]}" };

        private static string Fill(string template, Func<string, string> value) => RouteParameter().Replace(template, m => value(m.Groups[1].Value));

        private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
    }

    [GeneratedRegex(@"\{([^}:?*]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private sealed record HostileRequest(string Method, string Path, byte[]? Body, string ContentType = "application/json")
    {
        public HttpRequestMessage ToMessage() => new(new HttpMethod(Method), Path)
        {
            Content = Body is null ? null : new ByteArrayContent(Body) { Headers = { ContentType = new(ContentType) } },
        };

        public override string ToString() => $"{Method} {Path[..Math.Min(Path.Length, 120)]} body: {(Body is null ? null : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 80)))}";
    }
}
