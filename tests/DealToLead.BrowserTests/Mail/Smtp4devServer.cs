using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using DealToLead.IntegrationTests.Mail;

namespace DealToLead.BrowserTests.Mail;

/// <summary>
/// The SMTP catcher of <c>scripts/run.sh</c> (the local dotnet tool smtp4dev): mail sent to its SMTP port is served on its
/// IMAP port, which is what the app's Smart Bcc reader reads in development.
/// </summary>
public sealed class Smtp4devServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _database;

    private Smtp4devServer(Process process, string database, int smtpPort, int imapPort, int webPort) =>
        (_process, _database, SmtpPort, ImapPort, WebPort) = (process, database, smtpPort, imapPort, webPort);

    public int SmtpPort { get; }
    public int ImapPort { get; }
    public int WebPort { get; }

    public static async Task<Smtp4devServer> StartAsync()
    {
        var (smtp, imap, pop3, web) = (DovecotServer.FreePort(), DovecotServer.FreePort(), DovecotServer.FreePort(), DovecotServer.FreePort());
        var database = Path.Combine(Path.GetTempPath(), $"smtp4dev-{Guid.NewGuid():N}.db");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "tool", "run", "smtp4dev", "--", $"--urls=http://127.0.0.1:{web}", $"--smtpport={smtp}", $"--imapport={imap}",
            $"--pop3port={pop3}", "--bindaddress=127.0.0.1", $"--db={database}", "--nousersettings",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Smtp4devServer(process, database, smtp, imap, web);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await AcceptsAsync(smtp) || !await AcceptsAsync(imap))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"smtp4dev did not start (exited: {process.HasExited})");
            }

            await Task.Delay(250);
        }

        return server;
    }

    /// <summary>
    /// One SMTP conversation, as a mail client speaks it: the envelope names every recipient and the message keeps its
    /// Bcc header (the catcher shows only what is in the message, not the envelope).
    /// </summary>
    public async Task SendAsync(string from, string to, string bcc, string subject, string body)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", SmtpPort);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };

        async Task ExpectAsync(string code)
        {
            string? line;
            do
            {
                line = await reader.ReadLineAsync() ?? throw new IOException("SMTP server closed the connection");
            }
            while (line.Length > 3 && line[3] == '-');

            if (!line.StartsWith(code, StringComparison.Ordinal))
            {
                throw new IOException($"SMTP: expected {code}, got {line}");
            }
        }

        await ExpectAsync("220");
        foreach (var (command, reply) in new[] { ("EHLO test.local", "250"), ($"MAIL FROM:<{from}>", "250"), ($"RCPT TO:<{to}>", "250"), ($"RCPT TO:<{bcc}>", "250"), ("DATA", "354") })
        {
            await writer.WriteLineAsync(command);
            await ExpectAsync(reply);
        }

        await writer.WriteAsync($"From: <{from}>\r\nTo: <{to}>\r\nBcc: <{bcc}>\r\nSubject: {subject}\r\nDate: {DateTimeOffset.UtcNow:R}\r\n" +
            $"Message-ID: <{Guid.NewGuid():N}@test.local>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n.\r\n");
        await ExpectAsync("250");
        await writer.WriteLineAsync("QUIT");
    }

    /// <summary>Empties the catcher, so a later test's reset database does not read this test's mail again.</summary>
    public async Task DeleteAllAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}") };
        (await http.DeleteAsync("/api/messages/*")).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        File.Delete(_database);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DealToLead.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DealToLead.sln not found above the test binaries");
    }
}
