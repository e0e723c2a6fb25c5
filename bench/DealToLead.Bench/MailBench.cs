using System.Data.Common;
using System.Diagnostics;
using System.Text;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Mail;
using DealToLead.Core.Users;
using DealToLead.Infrastructure;
using DealToLead.Infrastructure.Mail;
using DealToLead.IntegrationTests.Mail;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DealToLead.Bench;

/// <summary>
/// Issue #19's figures on a real IMAP server (Debian's dovecot, as in the tests), with the reader the app runs:
/// the initial sync of a user's mailbox, what an idle poll costs (SQL commands and IMAP commands), and how long a
/// Bcc'd message takes to reach its deal once the server has it (the inbound worker on IDLE).
/// </summary>
public sealed class MailBench(string connectionString, bool quick)
{
    private const string UserMailbox = "rep";
    private const string InboundMailbox = "dealtolead";

    public async Task<int> RunAsync(string outPath)
    {
        var messages = quick ? 2_000 : 10_000;
        await using var imap = await DovecotServer.StartAsync(UserMailbox, InboundMailbox);
        var commands = new CommandCounter();
        await using var services = Services(imap.Port, commands);
        var db = services.CreateScope().ServiceProvider.GetRequiredService<CrmDbContext>();
        var owner = await db.Users.Where(u => u.Role == UserRole.GlobalAdmin && u.IsActive).Select(u => u.Id).FirstAsync();
        var access = (await UserAccess.LoadAsync(db, owner, CancellationToken.None))!;
        // Persons with one to three open deals, as a real inbox's correspondents have (the seed's shared persons sit on hundreds).
        var addresses = await db.Persons.Where(p => p.Emails.Count > 0)
            .Select(p => new { p.Id, p.Emails, OpenDeals = db.Deals.Count(d => d.PersonId == p.Id && d.Status == DealStatus.Open) })
            .Where(p => p.OpenDeals >= 1 && p.OpenDeals <= 3)
            .OrderBy(p => p.Id).Take(500).Select(p => p.Emails).ToListAsync();
        var known = addresses.SelectMany(e => e).Distinct().ToList();
        var report = new Report();

        var written = imap.WriteMaildir(UserMailbox, Enumerable.Range(0, messages).Select(i => Message(i, known)));
        var reader = services.GetRequiredService<ImapMailboxReader>();
        var account = new ImapAccount("127.0.0.1", imap.Port, MailSecurity.None, UserMailbox, DovecotServer.Password);
        var imapCommands = new ImapCommandCounter();
        using var client = await ImapMailboxReader.ConnectAsync(account, CancellationToken.None, imapCommands);
        var clock = Stopwatch.StartNew();
        var initial = await reader.SyncFolderAsync(client.Inbox, MailboxKeys.User(owner), access, since: null, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        report.Add(Row.Checked("mail", $"initial sync, {written:N0}-message mailbox", seconds, "s", "≤ 60 s", seconds <= 60 && initial.Read == written,
            note: $"{initial.Read:N0} read, {initial.Linked:N0} linked, {initial.Read / seconds:N0} messages/s"));

        (commands.Count, imapCommands.Count) = (0, 0);
        var idle = await reader.SyncFolderAsync(client.Inbox, MailboxKeys.User(owner), access, since: null, CancellationToken.None);
        report.Add(Row.Checked("mail", "idle poll: SQL commands", commands.Count, "", "O(new messages)", idle.Read == 0 && commands.Count <= 6));
        report.Add(Row.Checked("mail", "idle poll: IMAP commands", imapCommands.Count, "", "O(new messages)", imapCommands.Count <= 3));

        report.Add(await BccLatencyAsync(services, imap, db));
        Console.WriteLine(report.Table());
        await report.WriteAsync(outPath, quick);
        return report.Rows.Any(r => r.Verdict == Verdict.Fail) ? 1 : 0;
    }

    private static async Task<Row> BccLatencyAsync(ServiceProvider services, DovecotServer imap, CrmDbContext db)
    {
        var bcc = services.GetRequiredService<IOptions<SmartBccOptions>>().Value;
        var secret = await CompanySettings.MailSecretAsync(db, CancellationToken.None);
        var worker = services.GetRequiredService<InboundMailWorker>();
        await worker.StartAsync(CancellationToken.None);
        await Task.Delay(2000); // connected and in IDLE
        var dealIds = await db.Deals.Where(d => d.Status == DealStatus.Open).OrderByDescending(d => d.Id).Select(d => d.Id).Take(5).ToListAsync();
        var latencies = new List<double>();
        foreach (var dealId in dealIds)
        {
            var message = new MimeMessage { Subject = $"Bcc latency {Guid.NewGuid():N}", Date = DateTimeOffset.UtcNow, Body = new TextPart("plain") { Text = "timing" } };
            message.From.Add(MailboxAddress.Parse("buyer@example.com"));
            message.To.Add(MailboxAddress.Parse("someone@example.com"));
            message.Headers.Add("Delivered-To", bcc.DealAddress(dealId, secret));
            await imap.AppendAsync(InboundMailbox, message);
            var clock = Stopwatch.StartNew();
            while (!await db.Emails.AnyAsync(e => e.DealId == dealId && e.Subject == message.Subject) && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(20);
            }

            latencies.Add(clock.Elapsed.TotalSeconds);
        }

        await worker.StopAsync(CancellationToken.None);
        var slowest = latencies.Max();
        return Row.Checked("mail", "Bcc'd message on its deal after the IMAP server has it (slowest of 5)", slowest, "s", "≤ 5 s", slowest <= 5,
            note: $"median {latencies.Order().ElementAt(latencies.Count / 2):0.00} s");
    }

    private static MimeMessage Message(int i, List<string> known)
    {
        var message = new MimeMessage
        {
            MessageId = $"bench-{i}@bench.local",
            Subject = $"Proposal follow-up #{i}",
            Date = DateTimeOffset.UtcNow.AddMinutes(-i),
            Body = new TextPart("plain") { Text = $"Hello,\n\nfollowing up on our call ({i}).\n\nRegards" },
        };
        // Half the mail is from or to a person on an open deal; the rest matches nobody, as in a real inbox.
        message.From.Add(MailboxAddress.Parse(i % 2 == 0 && known.Count > 0 ? known[i % known.Count] : $"stranger{i}@example.org"));
        message.To.Add(MailboxAddress.Parse("rep@dealtolead.example"));
        if (i % 10 == 0)
        {
            message.InReplyTo = $"bench-{i - 1}@bench.local";
        }

        return message;
    }

    private ServiceProvider Services(int imapPort, CommandCounter commands)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Crm"] = connectionString,
            ["Mail:Inbound:Host"] = "127.0.0.1",
            ["Mail:Inbound:Port"] = imapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Inbound:Security"] = "None",
            ["Mail:Inbound:User"] = InboundMailbox,
            ["Mail:Inbound:Password"] = DovecotServer.Password,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<IInterceptor>(commands);
        services.AddSingleton<ICurrentUser, NoSignedInUser>();
        services.AddInfrastructure();
        return services.BuildServiceProvider();
    }

    /// <summary>The readers run as background work, as in the app: no one is signed in.</summary>
    private sealed class NoSignedInUser : ICurrentUser
    {
        public int? UserId => null;
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        public int Count { get; set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Count++;
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Count++;
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    /// <summary>Counts the commands the client sends (each IMAP command line starts with its tag).</summary>
    private sealed class ImapCommandCounter : IProtocolLogger
    {
        public int Count { get; set; }

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri)
        {
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
            Count += Encoding.ASCII.GetString(buffer, offset, count).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Count(line => line.Length > 0 && char.IsLetter(line[0]));
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
        }

        public void Dispose()
        {
        }
    }
}
