using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DealToLead.Infrastructure.Seeding;

namespace DealToLead.IntegrationTests.Soak;

/// <summary>The API as a client sees it, over real HTTP; counts every request it tries.</summary>
public sealed class SoakClient(Uri baseAddress, DemoUser user) : IDisposable
{
    private static long _requestsTried;

    private readonly HttpClient _http = CreateHttp(baseAddress, user);

    /// <summary>Every request any soak client tried since the process started.</summary>
    public static long RequestsTried => Interlocked.Read(ref _requestsTried);

    public static void CountRequest() => Interlocked.Increment(ref _requestsTried);

    public async Task<Guid> SubmitBulkJobAsync(IEnumerable<int> dealIds)
    {
        CountRequest();
        var response = await _http.PostAsJsonAsync("api/v2/deals/convert/lead", new { ids = dealIds.ToArray() });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("job_id").GetGuid();
    }

    public async Task<JsonElement> JobAsync(Guid jobId)
    {
        CountRequest();
        var response = await _http.GetAsync($"api/v2/conversion-jobs/{jobId}");
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    /// <summary>Polls the job until its status is <c>completed</c>; returns the job.</summary>
    public async Task<JsonElement> WaitForJobAsync(Guid jobId, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var job = await JobAsync(jobId);
            if (job.GetProperty("status").GetString() == "completed")
            {
                return job;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Job {jobId} not completed after {timeout}: {job.GetProperty("processed")}/{job.GetProperty("total")} processed.");
            }

            await Task.Delay(500);
        }
    }

    /// <summary>One conversion over the API, timed; never throws for a status code.</summary>
    public async Task<TimedResponse> ConvertAsync(int dealId)
    {
        CountRequest();
        var watch = Stopwatch.StartNew();
        try
        {
            using var response = await _http.PostAsync($"api/v2/deals/{dealId}/convert/lead", null);
            var body = await response.Content.ReadAsStringAsync();
            return new TimedResponse(response.StatusCode, body, response.Headers.RetryAfter is not null, watch.Elapsed, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new TimedResponse(null, string.Empty, false, watch.Elapsed, exception.GetType().Name);
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient CreateHttp(Uri baseAddress, DemoUser user)
    {
        // Longer than any answer the app should give: a request that runs into it is a hang.
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("x-api-token", user.ApiToken);
        return http;
    }
}

public sealed record TimedResponse(HttpStatusCode? Status, string Body, bool HasRetryAfter, TimeSpan Elapsed, string? Error)
{
    public bool IsJsonError =>
        Body.Length > 0 && JsonDocument.Parse(Body).RootElement is { ValueKind: JsonValueKind.Object } root
        && root.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False;
}
