using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DealToLead.IntegrationTests.Webhooks;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedWebhook(JsonElement Body, string? Authorization, string? ContentType, TimeSpan ReceivedAt)
{
    public JsonElement Meta => Body.GetProperty("meta");

    public string EventId => Meta.GetProperty("id").GetString()!;

    public string Event => $"{Meta.GetProperty("action").GetString()}.{Meta.GetProperty("entity").GetString()}";

    public string EntityId => Meta.GetProperty("entity_id").GetString()!;
}

/// <summary>
/// A real HTTP server (Kestrel on a loopback port) in the test process that records every webhook POST. It can be
/// stopped and started on the same port, answer with a chosen status, or hold requests open without answering.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    public WebhookReceiver(int? port = null) => Port = port ?? FreePort();

    public int Port { get; }

    public string Url(string path = "hook") => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>The status it answers with (200 unless a test says otherwise).</summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>When true, requests are recorded and then held open, unanswered, until <see cref="ReleaseHeld"/>.</summary>
    public bool HoldRequests { get; set; }

    public TimeSpan Delay { get; set; }

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<WebhookReceiver> StartAsync(int? port = null)
    {
        var receiver = new WebhookReceiver(port);
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            _received.Enqueue(new ReceivedWebhook(body.RootElement.Clone(), request.Headers.Authorization, request.ContentType, _clock.Elapsed));
            if (HoldRequests)
            {
                await _release.Task;
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay);
            }

            return Results.StatusCode(StatusCode);
        });
        await _app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            _release.TrySetResult();
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public void ReleaseHeld() => _release.TrySetResult();

    /// <summary>Waits until <paramref name="condition"/> holds for what was received, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(Func<IReadOnlyList<ReceivedWebhook>, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            var received = Received;
            if (condition(received))
            {
                return received;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The receiver did not get what was expected{(because is null ? string.Empty : $" ({because})")}; it got: {string.Join(", ", Received.Select(r => r.Event))}");
    }

    public Task<IReadOnlyList<ReceivedWebhook>> WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(r => r.Count >= count, timeout, $"{count} requests");

    public async ValueTask DisposeAsync() => await StopAsync();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
