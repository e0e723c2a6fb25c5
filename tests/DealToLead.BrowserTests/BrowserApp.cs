using DealToLead.BrowserTests.Mail;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.BulkConversion;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DealToLead.BrowserTests;

/// <summary>The app served by Kestrel on a real port, driven by Debian's Chromium through Playwright.</summary>
public sealed class BrowserApp : DealToLeadApp
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A real SMTP server in the test process; the app sends its confirmation emails here.</summary>
    public FakeSmtpServer Smtp { get; } = new();
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>The SMTP catcher whose IMAP port the app's Smart Bcc reader reads, as in <c>scripts/run.sh</c>.</summary>
    public Smtp4devServer Catcher { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        UseKestrel(0);
        Smtp.Start();
        Settings["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Catcher = await Smtp4devServer.StartAsync();
        Settings["Mail:Inbound:Host"] = "127.0.0.1";
        Settings["Mail:Inbound:Port"] = Catcher.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Mail:Inbound:Security"] = "None";
        Settings["Mail:Inbound:Password"] = "dealtolead";
        Settings["Mail:Inbound:PollSeconds"] = "1";
        await base.InitializeAsync();
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);

        // The first request compiles pages and builds the EF model; let it not eat into the first test's timeouts.
        using (var warmUp = new HttpClient { BaseAddress = new Uri(BaseUrl) })
        {
            (await warmUp.GetAsync("/login")).EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }

        await Smtp.StopAsync();
        await Catcher.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApp>
{
    public const string Name = "browser";
}

/// <summary>
/// Base for browser tests: a fresh database and browser context per test; a failing test leaves a
/// screenshot and a Playwright trace under artifacts/.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserApp app) : IAsyncLifetime
{
    private static readonly string ArtifactsDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "artifacts"));

    protected BrowserApp App { get; } = app;

    public Task InitializeAsync() => App.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected async Task RunAsync(string name, Func<IPage, Task> test, bool hasTouch = false)
    {
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, HasTouch = hasTouch });
        context.SetDefaultTimeout(15_000);
        await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true });
        var page = await context.NewPageAsync();
        try
        {
            await test(page);
            await context.Tracing.StopAsync();
        }
        catch (Exception failure)
        {
            Directory.CreateDirectory(ArtifactsDirectory);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.png"), FullPage = true });
            await context.Tracing.StopAsync(new TracingStopOptions { Path = Path.Combine(ArtifactsDirectory, $"{name}.trace.zip") });

            // A CI log is often all there is of a failure: it should say where the page was.
            throw new BrowserTestFailedException($"{failure.Message} (the page was at {page.Url})", failure);
        }
    }

    /// <summary>
    /// The pipeline's drop bar only appears once a drag has started, so Playwright's DragTo (which waits for the
    /// target first) cannot reach it; these mouse steps are what a user does.
    /// </summary>
    protected static async Task DragOntoBarAsync(IPage page, ILocator card, string target)
    {
        var box = (await card.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + 10);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width / 2) + 20, box.Y + 30, new() { Steps = 5 });
        var drop = page.Locator(".drop-target", new() { HasText = target });
        await Assertions.Expect(drop).ToBeVisibleAsync();
        var dropBox = (await drop.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(dropBox.X + (dropBox.Width / 2), dropBox.Y + (dropBox.Height / 2), new() { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    protected static async Task SignInAsync(IPage page, DemoUser user)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(user.Email);
        await page.GetByLabel("Password").FillAsync(DemoUsers.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // The signed-in header is awaited in the DOM, not through a load-state event: a CI run on a loaded machine
        // once waited 60 s in WaitForURL for a DOMContentLoaded that Playwright never reported (only NetworkIdle),
        // with the page already away from /login. The first sign-in of a run also renders the board for the first
        // time, which on a loaded two-core machine has taken over 15 s.
        await Assertions.Expect(page.GetByTestId("signed-in-user")).ToHaveTextAsync(user.DisplayName, new() { Timeout = 60_000 });
    }
}

public sealed class BrowserTestFailedException(string message, Exception inner) : Exception(message, inner);
