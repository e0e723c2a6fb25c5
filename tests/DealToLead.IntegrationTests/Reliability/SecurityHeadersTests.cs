using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.IntegrationTests.Leads;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Reliability;

public partial class SecurityHeadersTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task Every_response_carries_a_content_security_policy_nosniff_and_a_referrer_policy()
    {
        var world = await App.CreateWorldAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var anonymous = App.ApiClient(token: null);
        var signedIn = await App.SignInAsync(DemoUsers.Rep);
        var api = App.ApiClient(DemoUsers.Rep);

        HttpResponseMessage[] responses =
        [
            await anonymous.GetAsync("/login"),
            await anonymous.GetAsync("/pipeline"),
            await anonymous.GetAsync("/css/site.css"),
            await anonymous.GetAsync("/healthz"),
            await anonymous.GetAsync("/api/v1/users/me"),
            await signedIn.GetAsync($"/deals/{dealId}"),
            await signedIn.GetAsync("/no-such-page"),
            await api.GetAsync("/api/v1/users/me"),
            await api.GetAsync("/api/v1/deals/999999"),
        ];

        foreach (var response in responses)
        {
            var because = $"{response.RequestMessage!.RequestUri} ({(int)response.StatusCode})";
            var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            policy.Should().Contain("default-src 'self'", because).And.Contain("frame-ancestors 'none'", because)
                .And.Contain("object-src 'none'", because).And.Contain("script-src 'self';", because).And.NotContain("unsafe-eval", because);
            Regex.Match(policy, "script-src[^;]*").Value.Should().NotContain("unsafe-inline", because);
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], because);
            response.Headers.GetValues("Referrer-Policy").Should().Equal(["same-origin"], because);
            response.Headers.GetValues("X-Frame-Options").Should().Equal(["DENY"], because);
        }
    }

    [Fact]
    public async Task No_page_has_inline_script_or_an_inline_event_handler()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var dealId = await App.AddDealAsync(world, rep);
        var lead = (await App.WithDbAsync(db => new LeadBuilder(rep).Titled("Inline check").ConvertedFromDeal().BuildAsync(db))).Id;
        var admin = await App.SignInAsync(DemoUsers.Admin);
        string[] urls =
        [
            "/login", "/pipeline", "/deals", $"/deals/{dealId}", $"/deals/{dealId}/edit", "/deals/new", "/leads", $"/leads?selected={lead}",
            $"/leads/{lead}", "/leads/new", "/persons", "/organizations", "/settings", "/settings/users", "/settings/pipelines",
            "/settings/custom-fields", "/settings/lead-labels", "/settings/permission-sets", "/settings/conversion",
        ];

        foreach (var url in urls)
        {
            var response = await admin.GetAsync(url);
            response.StatusCode.Should().Be(HttpStatusCode.OK, url);
            var html = await response.Content.ReadAsStringAsync();
            InlineScript().Matches(html).Select(m => m.Value).Should().BeEmpty(url);
            InlineHandler().Matches(html).Select(m => m.Value).Should().BeEmpty(url);
            html.Should().NotContain("javascript:", url);
        }
    }

    [Fact]
    public async Task A_wrong_password_for_a_deactivated_account_reads_like_any_wrong_password()
    {
        await App.WithDbAsync(db => db.Users.Where(u => u.Email == DemoUsers.Rep.Email).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false)));
        var client = App.ApiClient(token: null);

        var wrongForDeactivated = await (await client.PostFormAsync("/login", Login(DemoUsers.Rep.Email, "not-the-password-1"))).Content.ReadAsStringAsync();
        var wrongForActive = await (await client.PostFormAsync("/login", Login(DemoUsers.Manager.Email, "not-the-password-1"))).Content.ReadAsStringAsync();
        var rightForDeactivated = await (await client.PostFormAsync("/login", Login(DemoUsers.Rep.Email, DemoUsers.Password))).Content.ReadAsStringAsync();

        wrongForDeactivated.Should().Contain("Wrong email or password.").And.NotContain("deactivated");
        ValidationSummary().Match(wrongForDeactivated).Value.Should().Be(ValidationSummary().Match(wrongForActive).Value);
        rightForDeactivated.Should().Contain("This account has been deactivated.");
    }

    [Fact]
    public async Task Api_errors_about_malformed_bodies_never_name_dotnet_types()
    {
        var world = await App.CreateWorldAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var api = App.ApiClient(DemoUsers.Admin);

        HttpResponseMessage[] responses =
        [
            await api.PostAsync("/api/v2/deals/convert/lead", Json("{\"ids\":[\"x\"]}")),
            await api.PostAsync("/api/v2/deals/convert/lead", Json("{\"ids\":[1e99]}")),
            await api.PostAsync("/api/v1/notes", Json("{\"content\":\"x\",\"deal_id\":\"abc\"}")),
            await api.PatchAsync($"/api/v2/deals/{dealId}", Json("{\"value\":\"lots\"}")),
            await api.PostAsync("/api/v2/deals", Json("{\"title\":\"t\",\"stage_id\":true}")),
            await api.GetAsync("/api/v2/deals?limit=abc"),
        ];

        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).Should().BeInRange(400, 499, body);
            body.Should().NotContain("System.").And.NotContain("Int32").And.NotContain("Exception");
        }
    }

    private static Dictionary<string, string> Login(string email, string password) => new() { ["Input.Email"] = email, ["Input.Password"] = password };

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<[a-z][^>]*\\son[a-z]+\\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex("validation-summary[^>]*>.*?</div>", RegexOptions.Singleline)]
    private static partial Regex ValidationSummary();
}
