using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Database;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>Note and email HTML is sanitized once, when it is stored; hostile nesting is answered at once; views never sanitize.</summary>
public class StoredHtmlTests(DealToLeadApp app) : AppTest(app)
{
    private static string Nested(string tag, int depth) =>
        new StringBuilder().Insert(0, $"<{tag}>", depth).Append('x').Append(new StringBuilder().Insert(0, $"</{tag}>", depth)).ToString();

    [Theory]
    [InlineData(100_000, "longer than 100,000 characters")]
    [InlineData(14_000, "deeper than 200")]
    public async Task A_note_nested_thousands_deep_is_refused_with_a_400_within_a_second(int depth, string reason)
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);
        (await api.PostAsJsonAsync("/api/v1/notes", new { content = "<p>warm-up</p>", deal_id = id })).EnsureSuccessStatusCode();
        var watch = Stopwatch.StartNew();

        var response = await api.PostAsJsonAsync("/api/v1/notes", new { content = Nested("b", depth), deal_id = id });

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain(reason);
        (await App.WithDbAsync(db => db.Notes.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task A_note_nested_too_deep_on_the_deal_page_is_refused_with_a_message_within_a_second()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var client = await App.SignInAsync(DemoUsers.Rep);
        var watch = Stopwatch.StartNew();

        var posted = await client.PostFormAsync($"/deals/{id}?handler=AddNote", new Dictionary<string, string> { ["content"] = Nested("b", 14_000) }, $"/deals/{id}");

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        posted.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetStringAsync($"/deals/{id}")).Should().Contain("The note was not added. The HTML nests deeper than 200 elements.");
        (await App.WithDbAsync(db => db.Notes.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task An_eml_whose_html_nests_60000_deep_is_kept_as_text_and_its_deal_page_opens_within_a_second()
    {
        var world = await App.CreateWorldAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Rep);
        var eml = $"From: a@acme.test\r\nTo: rep@dealtolead.local\r\nSubject: Deep\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{Nested("div", 60_000)}\r\n";
        var watch = Stopwatch.StartNew();

        var upload = await api.PostAsync($"/api/v1/deals/{id}/mailMessages", new StringContent(eml, Encoding.UTF8, "message/rfc822"));

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
        upload.StatusCode.Should().Be(HttpStatusCode.Created);
        var email = await App.WithDbAsync(db => db.Emails.SingleAsync(e => e.DealId == id));
        email.HtmlBody.Should().BeNull();
        email.TextBody.Should().Be("x");
        var client = await App.SignInAsync(DemoUsers.Rep);
        await client.GetStringAsync($"/deals/{id}");
        watch.Restart();
        (await client.GetStringAsync($"/deals/{id}")).Should().Contain("Deep");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Views_show_the_stored_html_as_it_is_and_never_sanitize_it_again()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep);
        // Written past the app on purpose: the sanitizer drops data- attributes, so if they show, no view sanitized.
        const string stored = "<p data-stored-as-is=\"1\">kept</p>";
        await using (var connection = new NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO notes (content, author_id, deal_id, created_at) VALUES (@html, @rep, @deal, now());"
                + "INSERT INTO emails (\"from\", \"to\", cc, subject, sent_at, html_body, linked_via, deal_id, created_at) VALUES ('a@acme.test', '{}', '{}', 'Stored', now(), @html, 'Sync', @deal, now())",
                connection);
            insert.Parameters.AddWithValue("html", stored);
            insert.Parameters.AddWithValue("rep", rep);
            insert.Parameters.AddWithValue("deal", id);
            await insert.ExecuteNonQueryAsync();
        }

        var client = await App.SignInAsync(DemoUsers.Rep);
        var page = await client.GetStringAsync($"/deals/{id}");
        var notes = await App.ApiClient(DemoUsers.Rep).GetStringAsync($"/api/v1/notes?deal_id={id}");

        page.Should().Contain(stored, "the note is shown as stored")
            .And.Contain("&lt;p data-stored-as-is=&quot;1&quot;&gt;kept&lt;/p&gt;", "the email's frame document holds it as stored");
        notes.Should().Contain("data-stored-as-is");
    }

    [Fact]
    public async Task Html_saved_by_any_path_is_stored_sanitized()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep);

        await App.WithDbAsync(async db =>
        {
            db.Notes.Add(new Note { Content = "<p>n</p><form action=\"http://remote.test\"><input type=\"password\"></form>", AuthorId = rep, DealId = id });
            db.Emails.Add(new EmailMessage { From = "a@acme.test", Subject = "s", HtmlBody = "<p style=\"position:fixed;background:url(http://remote.test/a)\">e</p><script>x</script>", DealId = id });
            await db.SaveChangesAsync();
        });

        (await App.WithDbAsync(db => db.Notes.SingleAsync())).Content.Should().Be("<p>n</p>");
        (await App.WithDbAsync(db => db.Emails.SingleAsync())).HtmlBody.Should().StartWith("<p").And.EndWith(">e</p>")
            .And.NotContainAny("position", "url(", "remote.test", "script");
    }

    [Fact]
    public async Task The_backfill_sanitizes_html_stored_before_views_trusted_the_store()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var id = await App.AddDealAsync(world, rep);
        await using (var connection = new NpgsqlConnection(App.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO notes (content, author_id, deal_id, created_at) VALUES ('<p>old</p><script>alert(1)</script>', @rep, @deal, now()), (@deep, @rep, @deal, now());"
                + "INSERT INTO emails (\"from\", \"to\", cc, subject, sent_at, html_body, linked_via, deal_id, created_at) VALUES ('a@acme.test', '{}', '{}', 'Old', now(), '<div style=\"position:fixed\">o</div><img src=\"http://remote.test/t.png\">', 'Sync', @deal, now())",
                connection);
            insert.Parameters.AddWithValue("rep", rep);
            insert.Parameters.AddWithValue("deal", id);
            insert.Parameters.AddWithValue("deep", Nested("b", 10_000));
            await insert.ExecuteNonQueryAsync();
        }

        var changed = await App.WithDbAsync(db => StoredHtmlBackfill.RunAsync(db));

        changed.Should().Be(3);
        (await App.WithDbAsync(db => db.Notes.OrderBy(n => n.Id).Select(n => n.Content).ToListAsync())).Should().Equal("<p>old</p>", "<p>x</p>");
        (await App.WithDbAsync(db => db.Emails.SingleAsync())).HtmlBody.Should().Be("<div>o</div><img src=\"http://remote.test/t.png\">");
    }

    [Fact]
    public async Task The_remote_images_frame_is_sandboxed_allows_remote_images_and_is_served_only_to_who_may_see_the_deal()
    {
        var world = await App.CreateWorldAsync();
        await App.WithoutSeeingOthersDealsAsync();
        var id = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Manager), visibility: Visibility.OwnerOnly);
        var emailId = await App.WithDbAsync(async db =>
        {
            var email = new EmailMessage { From = "a@acme.test", Subject = "s", HtmlBody = "<p>hi<img src=\"https://remote.test/p.png\"></p>", DealId = id };
            db.Emails.Add(email);
            await db.SaveChangesAsync();
            return email.Id;
        });
        var owner = await App.SignInAsync(DemoUsers.Manager);

        var frame = await owner.GetAsync($"/emails/{emailId}/frame?remote-images=true");

        frame.StatusCode.Should().Be(HttpStatusCode.OK);
        var policy = frame.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Contain("img-src data: cid: https: http:").And.Contain("sandbox allow-popups").And.Contain("frame-ancestors 'self'")
            .And.Contain("default-src 'none'").And.NotContain("allow-scripts").And.NotContain("allow-forms");
        (await frame.Content.ReadAsStringAsync()).Should().Contain("<img src=\"https://remote.test/p.png\">");
        var rep = await App.SignInAsync(DemoUsers.Rep);
        (await rep.GetAsync($"/emails/{emailId}/frame?remote-images=true")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
