using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace DealToLead.IntegrationTests.BulkConversion;

/// <summary>A real SMTP server in the test process that keeps what it receives; can be stopped and started to simulate an outage.</summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly MessageCollector _collector = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    public int Port { get; } = FreePort();

    public IReadOnlyCollection<MimeMessage> Messages => _collector.Messages;

    public void Clear() => _collector.Messages.Clear();

    public void Start()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_collector);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(CancellationToken.None);
    }

    public async Task StopAsync()
    {
        if (_server is null)
        {
            return;
        }

        _server.Shutdown();
        await (_running ?? Task.CompletedTask);
        _server = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class MessageCollector : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
