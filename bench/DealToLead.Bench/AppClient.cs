using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;

namespace DealToLead.Bench;

/// <summary>HTTP clients for the app under load: the API's (token) and a browser's (cookies, signed in as the rep).</summary>
public static partial class AppClient
{
    public static HttpClient Create(Uri baseUrl, CookieContainer? cookies) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = cookies is not null,
        CookieContainer = cookies ?? new CookieContainer(),
        MaxConnectionsPerServer = 64,
        PooledConnectionLifetime = TimeSpan.FromMinutes(30),
    })
    {
        BaseAddress = baseUrl,
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Signs the browser client in as the demo rep through the login form.</summary>
    public static async Task SignInAsync(HttpClient browser)
    {
        var form = await browser.GetStringAsync(Endpoints.LoginPage);
        var token = AntiforgeryToken().Match(form);
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [Endpoints.LoginEmailField] = DemoUsers.Rep.Email,
            [Endpoints.LoginPasswordField] = DemoUsers.Password,
            [Endpoints.AntiforgeryField] = token.Success ? WebUtility.HtmlDecode(token.Groups[1].Value) : string.Empty,
        });
        using var response = await browser.PostAsync(Endpoints.LoginPage, content);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Signing in through {Endpoints.LoginPage} answered {(int)response.StatusCode}, not a redirect.");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
