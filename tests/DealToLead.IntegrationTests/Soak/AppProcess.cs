using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DealToLead.IntegrationTests.Soak;

/// <summary>
/// The built app (<c>src/DealToLead.Web/bin/&lt;configuration&gt;/net10.0/DealToLead.Web.dll</c>) running as a real
/// process on a real port, so a soak test can SIGKILL it and start it again. Its console goes to a log file.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int FirstPort = 5600;
    private const int LastPort = 5699;
    private static int _nextPort = FirstPort;

    private readonly string _name;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;
    private StreamWriter? _log;

    private AppProcess(string name, int port, IReadOnlyDictionary<string, string> environment)
    {
        _name = name;
        Port = port;
        _environment = environment;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public static string WebDll { get; } = FindWebDll();

    public static string LogDirectory => Path.Combine(SoakPaths.DataDirectory, "soak-logs");

    /// <summary>Starts the app and waits until it answers <c>/healthz</c>.</summary>
    public static async Task<AppProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        var app = new AppProcess(name, port ?? FreePort(), environment);
        await app.StartAsync();
        return app;
    }

    /// <summary>Starts the stopped (or killed) process again on the same port with the same settings.</summary>
    public async Task StartAsync()
    {
        Directory.CreateDirectory(LogDirectory);
        _log?.Dispose();
        _log = new StreamWriter(Path.Combine(LogDirectory, $"{_name}.log"), append: true) { AutoFlush = true };
        _process = Run(WebDll, ["--urls", BaseAddress.ToString().TrimEnd('/')], _environment, _log);
        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(120));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, in-flight transactions die with their connections.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Runs <c>DealToLead.Web.dll migrate</c> against the database and fails if it does not succeed.</summary>
    public static async Task MigrateAsync(string connectionString)
    {
        Directory.CreateDirectory(LogDirectory);
        await using var log = new StreamWriter(Path.Combine(LogDirectory, "migrate.log"), append: true) { AutoFlush = true };
        using var process = Run(WebDll, ["migrate"], SoakSettings.App(connectionString, smtpPort: 1), log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'DealToLead.Web.dll migrate' exited with {process.ExitCode}; see {LogDirectory}/migrate.log");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        if (_log is not null)
        {
            await _log.DisposeAsync();
        }
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (_process is not { HasExited: false })
            {
                throw new InvalidOperationException($"{_name} exited during start-up; see {LogDirectory}/{_name}.log");
            }

            try
            {
                if ((await client.GetAsync("healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{_name} did not become healthy within {timeout}; see {LogDirectory}/{_name}.log");
    }

    private static Process Run(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, StreamWriter log)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var gate = new Lock();
        DataReceivedEventHandler write = (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (gate)
                {
                    log.WriteLine(line.Data);
                }
            }
        };
        process.OutputDataReceived += write;
        process.ErrorDataReceived += write;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        for (var attempt = 0; attempt <= LastPort - FirstPort; attempt++)
        {
            var port = FirstPort + ((Interlocked.Increment(ref _nextPort) - 1 - FirstPort) % (LastPort - FirstPort + 1));
            try
            {
                var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken by someone else on this shared machine: try the next one.
            }
        }

        throw new InvalidOperationException($"No free port in {FirstPort}-{LastPort}.");
    }

    private static string FindWebDll()
    {
        // The test assembly sits in tests/DealToLead.IntegrationTests/bin/<configuration>/net10.0: run the app of the same build.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(SoakPaths.Root, "src", "DealToLead.Web", "bin", configuration, testBin.Name, "DealToLead.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the app first ({configuration}): {dll} is missing.", dll);
    }
}
