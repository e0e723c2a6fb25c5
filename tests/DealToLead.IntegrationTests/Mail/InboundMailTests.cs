using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Core.Mail;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Mail;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using FluentAssertions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DealToLead.IntegrationTests.Mail;

public sealed class InboundMailTests(DealToLeadApp app) : AppTest(app), IAsyncLifetime
{
    private const string Mailbox = "dealtolead";
    private DovecotServer _imap = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await App.ResetAsync();
        _imap = await DovecotServer.StartAsync(Mailbox, "rep");
    }

    async Task IAsyncLifetime.DisposeAsync() => await _imap.DisposeAsync();

    private SmartBccOptions Bcc => App.Services.GetRequiredService<IOptions<SmartBccOptions>>().Value;

    [Fact]
    public async Task Bcc_to_a_deals_address_puts_the_email_on_the_deal_and_flags_it_on_the_server()
    {
        var deal = await NewDealAsync("Bcc deal");
        var address = await DealAddressAsync(deal.Id);
        var message = Mail("Quote for you", "buyer@example.com", "someone@example.com");
        message.Headers.Add("Delivered-To", address);
        var builder = new BodyBuilder { TextBody = "Here it is" };
        builder.Attachments.Add("quote.pdf", "%PDF-1.4 fake"u8.ToArray(), new ContentType("application", "pdf"));
        message.Body = builder.ToMessageBody();
        await _imap.AppendAsync(Mailbox, message);

        await SyncInboundAsync();

        var emails = await App.WithDbAsync(db => db.Emails.Include(e => e.Attachments).Where(e => e.DealId == deal.Id).ToListAsync());
        emails.Should().ContainSingle().Which.Subject.Should().Be("Quote for you");
        emails[0].LinkedVia.Should().Be(EmailLinkKind.Bcc);
        emails[0].Attachments.Should().ContainSingle().Which.FileName.Should().Be("quote.pdf");
        (await _imap.FlagsAsync(Mailbox)).Should().OnlyContain(s => s.Flags!.Value.HasFlag(MailKit.MessageFlags.Seen));
    }

    [Fact]
    public async Task A_forged_deal_address_links_nothing_and_waits_as_unlinked()
    {
        var deal = await NewDealAsync("Guessable");
        await _imap.AppendAsync(Mailbox, Mail("Guess", "x@example.com", $"{Bcc.Mailbox}+deal-{deal.Id}-00000000@{Bcc.Domain}"));

        await SyncInboundAsync();

        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(0);
        (await App.WithDbAsync(db => db.ReceivedMessages.Select(m => m.Status).ToListAsync())).Should().Equal(ReceivedMessageStatus.Unlinked);
    }

    [Fact]
    public async Task The_company_address_links_to_the_open_deals_and_leads_of_the_persons_on_the_email()
    {
        var (person, open, won, lead) = await App.WithDbAsync(async db =>
        {
            var owner = await App.UserIdAsync(DemoUsers.Rep);
            var p = new Person { Name = "Ann Buyer", Emails = ["ann@buyer.example"] };
            db.Persons.Add(p);
            await db.SaveChangesAsync();
            var o = await new DealBuilder(owner).Titled("Open").For(p.Id, null).BuildAsync(db);
            var w = await new DealBuilder(owner).Titled("Won").For(p.Id, null).WithStatus(DealStatus.Won).BuildAsync(db);
            var l = new Lead { Title = "Lead of Ann", OwnerId = owner, PersonId = p.Id, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
            db.Leads.Add(l);
            await db.SaveChangesAsync();
            return (p, o, w, l);
        });
        await _imap.AppendAsync(Mailbox, Mail("Hello Ann", "rep@dealtolead.local", "Ann@Buyer.example", cc: Bcc.CompanyAddress));

        await SyncInboundAsync();

        var emails = await App.WithDbAsync(db => db.Emails.Select(e => new { e.DealId, e.LeadId }).ToListAsync());
        emails.Should().BeEquivalentTo([new { DealId = (int?)open.Id, LeadId = (Guid?)null }, new { DealId = (int?)null, LeadId = (Guid?)lead.Id }]);
        emails.Should().NotContain(e => e.DealId == won.Id);
        person.Should().NotBeNull();
    }

    [Fact]
    public async Task An_unknown_address_waits_in_the_unlinked_list_and_a_user_links_it_by_hand()
    {
        var deal = await NewDealAsync("Later");
        await _imap.AppendAsync(Mailbox, Mail("Nobody knows me", "stranger@example.com", Bcc.CompanyAddress));

        await SyncInboundAsync();

        var unlinked = await App.WithDbAsync(db => db.ReceivedMessages.SingleAsync());
        unlinked.Status.Should().Be(ReceivedMessageStatus.Unlinked);
        await using var scope = App.Services.CreateAsyncScope();
        var rep = (await UserAccess.LoadAsync(scope.ServiceProvider.GetRequiredService<Core.Data.CrmDbContext>(), await App.UserIdAsync(DemoUsers.Rep)))!;
        var result = await scope.ServiceProvider.GetRequiredService<UnlinkedEmails>().LinkAsync(rep, unlinked.Id, ItemParent.Deal(deal.Id));
        result.Error.Should().BeNull();
        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(1);
        (await App.WithDbAsync(db => db.ReceivedMessages.CountAsync(m => m.Status == ReceivedMessageStatus.Unlinked))).Should().Be(0);
    }

    [Fact]
    public async Task The_same_message_fetched_twice_is_stored_once_even_after_the_folder_is_read_from_the_start()
    {
        var deal = await NewDealAsync("Twice");
        var message = Mail("Only once", "a@example.com", await DealAddressAsync(deal.Id));
        await _imap.AppendAsync(Mailbox, message);
        await _imap.AppendAsync(Mailbox, message); // the same Message-Id at a second UID

        await SyncInboundAsync();
        await App.WithDbAsync(db => db.MailFolderStates.ExecuteDeleteAsync()); // as after a UIDVALIDITY change
        await SyncInboundAsync();

        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(1);
        (await App.WithDbAsync(db => db.ReceivedMessages.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Two_instances_reading_one_mailbox_at_once_store_each_message_once()
    {
        var deal = await NewDealAsync("Racing");
        var address = await DealAddressAsync(deal.Id);
        for (var i = 0; i < 20; i++)
        {
            await _imap.AppendAsync(Mailbox, Mail($"Race {i}", "a@example.com", address));
        }

        await Task.WhenAll(SyncInboundAsync(), SyncInboundAsync(), SyncInboundAsync());
        await SyncInboundAsync();

        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(20);
    }

    [Fact]
    public async Task An_app_restarted_mid_sync_loses_and_doubles_nothing()
    {
        var deal = await NewDealAsync("Restart");
        var address = await DealAddressAsync(deal.Id);
        const int count = ImapMailboxReader.BatchSize * 3;
        for (var i = 0; i < count; i++)
        {
            await _imap.AppendAsync(Mailbox, Mail($"Message {i}", "a@example.com", address));
        }

        using var stop = new CancellationTokenSource();
        var interrupted = SyncInboundAsync(stop.Token);
        while (await App.WithDbAsync(db => db.Emails.CountAsync()) < ImapMailboxReader.BatchSize / 2)
        {
            await Task.Delay(5);
        }

        await stop.CancelAsync(); // the process stops half-way through a batch
        await FluentActions.Awaiting(() => interrupted).Should().ThrowAsync<OperationCanceledException>();
        await SyncInboundAsync();

        var subjects = await App.WithDbAsync(db => db.Emails.Where(e => e.DealId == deal.Id).Select(e => e.Subject).ToListAsync());
        subjects.Should().HaveCount(count).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_malformed_message_goes_to_quarantine_with_its_reason_and_the_rest_still_arrive()
    {
        var deal = await NewDealAsync("Quarantine");
        await _imap.AppendRawAsync(Mailbox, "X-Garbage: yes\r\n\r\nthis is not an email at all"u8.ToArray());
        await _imap.AppendAsync(Mailbox, Mail("Fine", "a@example.com", await DealAddressAsync(deal.Id)));

        await SyncInboundAsync();
        await SyncInboundAsync();

        var quarantined = await App.WithDbAsync(db => db.ReceivedMessages.Where(m => m.Status == ReceivedMessageStatus.Quarantined).ToListAsync());
        quarantined.Should().ContainSingle().Which.Reason.Should().NotBeNullOrEmpty();
        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(1);
    }

    [Fact]
    public async Task A_users_sync_never_links_to_deals_they_may_not_see()
    {
        var (visible, hidden) = await App.WithDbAsync(async db =>
        {
            var admin = await App.UserIdAsync(DemoUsers.Admin);
            var rep = await App.UserIdAsync(DemoUsers.Rep);
            var p = new Person { Name = "Bob Client", Emails = ["bob@client.example"] };
            db.Persons.Add(p);
            await db.SaveChangesAsync();
            return (await new DealBuilder(rep).Titled("Mine").For(p.Id, null).BuildAsync(db),
                await new DealBuilder(admin).Titled("Admin's secret").For(p.Id, null).Private().BuildAsync(db));
        });
        await _imap.AppendAsync("rep", Mail("About the deal", "bob@client.example", "rep@dealtolead.local"));
        await _imap.AppendAsync("rep", Mail("My reply", "rep@dealtolead.local", "bob@client.example"), "Sent");
        await ConnectRepAsync(_imap.Port);

        await SyncRepAsync();

        var emails = await App.WithDbAsync(db => db.Emails.Select(e => new { e.DealId, e.LinkedVia }).ToListAsync());
        emails.Should().HaveCount(2).And.OnlyContain(e => e.DealId == visible.Id && e.LinkedVia == EmailLinkKind.Sync);
        emails.Should().NotContain(e => e.DealId == hidden.Id);
        var connection = await App.WithDbAsync(db => db.MailboxConnections.SingleAsync());
        (connection.MessagesRead, connection.MessagesLinked, connection.LastError).Should().Be((2, 2, null));
    }

    [Fact]
    public async Task An_imap_server_that_is_down_is_retried_the_page_says_so_and_nothing_is_lost()
    {
        var deal = await App.WithDbAsync(async db =>
        {
            var p = new Person { Name = "Cleo", Emails = ["cleo@client.example"] };
            db.Persons.Add(p);
            await db.SaveChangesAsync();
            return await new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).For(p.Id, null).BuildAsync(db);
        });
        await _imap.AppendAsync("rep", Mail("While down", "cleo@client.example", "rep@dealtolead.local"));
        await ConnectRepAsync(_imap.Port);
        await _imap.StopAsync();

        await SyncRepAsync();

        var failed = await App.WithDbAsync(db => db.MailboxConnections.SingleAsync());
        failed.LastError.Should().NotBeNullOrEmpty();
        using var browser = await App.SignInAsync(DemoUsers.Rep);
        (await browser.GetStringAsync("/settings/email-sync")).Should().Contain("Last error").And.Contain("tries again");

        await _imap.RestartAsync([Mailbox, "rep"]);
        await SyncRepAsync();

        (await App.WithDbAsync(db => db.Emails.CountAsync(e => e.DealId == deal.Id))).Should().Be(1);
        (await browser.GetStringAsync("/settings/email-sync")).Should().NotContain("Last error");
    }

    private static MimeMessage Mail(string subject, string from, string to, string? cc = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example"), Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (cc is not null)
        {
            message.Cc.Add(MailboxAddress.Parse(cc));
        }

        message.Body = new TextPart("plain") { Text = "Hello" };
        return message;
    }

    private async Task<Deal> NewDealAsync(string title) =>
        await App.WithDbAsync(async db => await new DealBuilder(await App.UserIdAsync(DemoUsers.Rep)).Titled(title).BuildAsync(db));

    private async Task<string> DealAddressAsync(int dealId) =>
        Bcc.DealAddress(dealId, await App.WithDbAsync(db => CompanySettings.MailSecretAsync(db, CancellationToken.None)));

    private async Task SyncInboundAsync(CancellationToken cancellationToken = default)
    {
        using var client = await ImapMailboxReader.ConnectAsync(new ImapAccount("127.0.0.1", _imap.Port, MailSecurity.None, Mailbox, DovecotServer.Password), cancellationToken);
        await App.Services.GetRequiredService<ImapMailboxReader>().SyncFolderAsync(client.Inbox, MailboxKeys.Inbound, owner: null, since: null, cancellationToken);
    }

    private async Task ConnectRepAsync(int port)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var rep = (await UserAccess.LoadAsync(scope.ServiceProvider.GetRequiredService<Core.Data.CrmDbContext>(), await App.UserIdAsync(DemoUsers.Rep)))!;
        var result = await scope.ServiceProvider.GetRequiredService<MailboxSyncSettings>().ConnectAsync(rep,
            new MailboxConnectionInput("127.0.0.1", port, MailSecurity.None, "rep", DovecotServer.Password, DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1))));
        result.Error.Should().BeNull();
    }

    private async Task SyncRepAsync() =>
        await App.Services.GetRequiredService<MailboxSync>().SyncUserAsync(await App.UserIdAsync(DemoUsers.Rep), CancellationToken.None);
}
