using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MimeKit;

namespace DealToLead.IntegrationTests.Mail;

/// <summary>
/// A real IMAP server (Debian's dovecot-imapd) on a free loopback port, with its own config, users and maildirs in a
/// temporary directory (docs/decisions/0015 says why not smtp4dev's IMAP). Every user's password is <see cref="Password"/>.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    public const string Password = "secret";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dtl-dovecot-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _process;

    public int Port { get; private set; }

    public static async Task<DovecotServer> StartAsync(params string[] users)
    {
        var server = new DovecotServer();
        server.Port = FreePort();
        await server.RestartAsync(users);
        return server;
    }

    public async Task RestartAsync(string[] users)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "run"));
        var mail = Directory.CreateDirectory(Path.Combine(_dir, "mail")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(mail, (UnixFileMode)0x1FF);
        }
        await File.WriteAllLinesAsync(Path.Combine(_dir, "passwd"), users.Select(u => $"{u}:{{PLAIN}}{Password}"));
        await File.WriteAllTextAsync(Path.Combine(_dir, "dovecot.conf"), $$"""
            base_dir = {{_dir}}/run
            state_dir = {{_dir}}/state
            log_path = {{_dir}}/log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            first_valid_uid = 0
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{_dir}}/passwd
            }
            userdb {
              driver = static
              args = uid=65534 gid=65534 home={{mail}}/%u
            }
            mail_location = maildir:~/Maildir
            namespace inbox {
              inbox = yes
              mailbox Sent {
                special_use = \Sent
                auto = create
              }
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service stats {
              unix_listener stats-reader {
                mode = 0666
              }
              unix_listener stats-writer {
                mode = 0666
              }
            }
            """);
        _process = Process.Start(new ProcessStartInfo("/usr/sbin/dovecot", ["-F", "-c", Path.Combine(_dir, "dovecot.conf")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("dovecot did not start");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("dovecot is not listening: " + (File.Exists(Path.Combine(_dir, "log")) ? await File.ReadAllTextAsync(Path.Combine(_dir, "log")) : "no log"));
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        File.Delete(Path.Combine(_dir, "run", "master.pid"));
    }

    /// <summary>Puts a message straight into a user's folder, as the mail server's delivery would.</summary>
    public async Task<UniqueId?> AppendAsync(string user, MimeMessage message, string folder = "INBOX")
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        var target = folder == "INBOX" ? client.Inbox : await client.GetFolderAsync(folder);
        return await target.AppendAsync(message, MessageFlags.None);
    }

    /// <summary>
    /// Writes messages straight into a user's INBOX maildir (what a local delivery agent does), thousands a second;
    /// dovecot indexes them when the folder is next opened. Returns how many were written.
    /// </summary>
    public int WriteMaildir(string user, IEnumerable<MimeMessage> messages)
    {
        var maildir = Path.Combine(_dir, "mail", user, "Maildir");
        var written = 0;
        foreach (var folder in new[] { "", "new", "cur", "tmp" })
        {
            var path = Directory.CreateDirectory(Path.Combine(maildir, folder)).FullName;
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
                File.SetUnixFileMode(Path.GetDirectoryName(maildir)!, (UnixFileMode)0x1FF);
            }
        }

        foreach (var message in messages)
        {
            message.WriteTo(Path.Combine(maildir, "new", $"{1_700_000_000 + written}.M{written}P1.bench"));
            written++;
        }

        return written;
    }

    public async Task AppendRawAsync(string user, byte[] raw)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.AppendAsync(new AppendRequest(MimeMessage.Load(new MemoryStream(raw))));
    }

    public async Task<IList<IMessageSummary>> FlagsAsync(string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        return await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
