using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace DealToLead.IntegrationTests.Infrastructure;

public sealed class CapturedLog : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        logEvent.RenderMessage(writer, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (name, value) in logEvent.Properties)
        {
            writer.Write($" {name}={value}");
        }

        writer.Write(logEvent.Exception?.ToString());
        _lines.Enqueue(writer.ToString());
    }

    public IReadOnlyCollection<string> Lines => _lines.ToArray();
}
