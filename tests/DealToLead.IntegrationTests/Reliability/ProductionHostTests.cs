using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>The app as Production runs it: behind a TLS-terminating proxy at <see cref="ProxyAddress"/>, with a data-protection certificate.</summary>
public sealed class ProductionApp : DealToLeadApp
{
    public const string ProxyAddress = "10.0.0.2";
    private readonly string _certificatePath = Path.Combine(Path.GetTempPath(), $"dtl-dp-{Guid.NewGuid():N}.pfx");

    public ProductionApp()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=DealToLead data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(_certificatePath, certificate.Export(X509ContentType.Pkcs12, "test-password"));
        Settings["DataProtection:CertificatePath"] = _certificatePath;
        Settings["DataProtection:CertificatePassword"] = "test-password";
        Settings["ForwardedHeaders:KnownProxies"] = ProxyAddress;
    }

    /// <summary>
    /// A client whose requests reach the app through the proxy, which terminated TLS for crm.example.test. One that
    /// keeps cookies addresses https://, as a browser in front of the proxy does: a cookie jar sends Secure cookies
    /// only there.
    /// </summary>
    public HttpClient ThroughProxy(bool handleCookies = false)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = handleCookies,
            BaseAddress = new Uri(handleCookies ? "https://crm.example.test" : "http://crm.example.test"),
        });
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, ProxyAddress);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.10");
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_certificatePath);
    }
}

public sealed class ProductionHostTests(ProductionApp app) : IClassFixture<ProductionApp>
{
    [Fact]
    public void The_production_host_refuses_to_start_without_a_data_protection_certificate()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("ConnectionStrings:Crm", "Host=127.0.0.1;Port=1;Database=none");
            b.UseSetting("Logging:Console", "false");
        });

        var start = () => factory.Services;

        start.Should().Throw<Exception>().Which.ToString().Should().Contain("DataProtection:CertificatePath is not set");
    }

    [Fact]
    public async Task In_production_the_data_protection_keys_in_the_database_are_encrypted_with_the_certificate()
    {
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var secret = protector.Protect("round trip");

        var keys = await app.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());

        keys.Should().NotBeEmpty();
        keys.Should().AllSatisfy(xml => xml.Should().Contain("<encryptedSecret").And.Contain("EncryptedData").And.NotContain("<masterKey"));
        protector.Unprotect(secret).Should().Be("round trip");
    }

    [Fact]
    public async Task Behind_a_known_tls_proxy_cookies_are_secure_and_hsts_is_sent()
    {
        var response = await app.ThroughProxy().GetAsync("/login");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").Should().ContainSingle().Which.Should().Contain("max-age=");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        cookies.Should().NotBeEmpty().And.AllSatisfy(c => c.Should().Contain("secure"));

        var signIn = await app.ThroughProxy(handleCookies: true).PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Password"] = DemoUsers.Password,
        });
        signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signIn.Headers.GetValues("Set-Cookie").Should().Contain(c => c.StartsWith("dealtolead.auth=") && c.Contains("secure"));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_address_are_not_believed()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://crm.example.test") });
        client.DefaultRequestHeaders.Add(TestClientAddress.Header, "198.51.100.66");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var response = await client.GetAsync("/login");

        response.Headers.Contains("Strict-Transport-Security").Should().BeFalse("the request is still plain HTTP");
        response.Headers.GetValues("Set-Cookie").Should().NotBeEmpty().And.AllSatisfy(c => c.Should().NotContain("secure"));
    }

    [Fact]
    public async Task In_production_the_openapi_document_is_served_only_to_signed_in_users()
    {
        var anonymous = await app.ThroughProxy().GetAsync("/openapi/v1.json");
        var client = app.ThroughProxy(handleCookies: true);
        (await client.PostFormAsync("/login", new Dictionary<string, string>
        {
            ["Input.Email"] = DemoUsers.Rep.Email,
            ["Input.Password"] = DemoUsers.Password,
        })).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var signedIn = await client.GetAsync("/openapi/v1.json");

        anonymous.StatusCode.Should().NotBe(HttpStatusCode.OK);
        (await anonymous.Content.ReadAsStringAsync()).Should().NotContain("\"paths\"");
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK);
        (await signedIn.Content.ReadAsStringAsync()).Should().Contain("\"paths\"");
    }

    [Fact]
    public async Task In_production_a_malformed_body_is_a_400_that_names_no_dotnet_type()
    {
        var api = app.ThroughProxy();
        api.DefaultRequestHeaders.Add("x-api-token", DemoUsers.Admin.ApiToken);

        var response = await api.PostAsync("/api/v2/deals/convert/lead", new StringContent("{\"ids\":[\"x\"]}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("System.").And.Contain("$.ids[0]");
    }
}
