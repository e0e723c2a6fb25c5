using System.Net;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>An HTTP client that signs in through the real login form, antiforgery token and all.</summary>
public static partial class BrowserSession
{
    public static async Task<HttpClient> SignInAsync(this DealToLeadApp app, DemoUser user, string? password = null)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = user.Email,
            ["Input.Password"] = password ?? DemoUsers.Password,
        });
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "signing in as {0} should succeed", user.Email);
        return client;
    }

    /// <summary>GETs the form page first for its antiforgery token, then posts the fields like a browser.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, IDictionary<string, string> fields, string? formPage = null)
    {
        var page = await client.GetStringAsync(formPage ?? url);
        var token = AntiforgeryToken().Match(page);
        var form = new Dictionary<string, string>(fields);
        if (token.Success)
        {
            form["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        }

        return await client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
