using System.Net;
using System.Text;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using DealToLead.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>Issue #17 §1: text PostgreSQL cannot store is refused at the boundary with a 400 that names the field.</summary>
public sealed class StorableInputTests(DealToLeadApp app) : AppTest(app)
{
    public static TheoryData<string, string, byte[], string> ApiBodies() => new()
    {
        { "POST", "/api/v2/deals/convert/lead", Utf8("{\"filter\":{\"search\":\"\\u0000\"}}"), "filter.search" },
        { "POST", "/api/v2/deals", Utf8("{\"title\":\"a\\u0000b\",\"person_id\":1}"), "title" },
        { "POST", "/api/v2/persons", Utf8("{\"name\":\"p\",\"emails\":[\"a@example.com\",\"b\\u0000@example.com\"]}"), "emails[1]" },
        { "POST", "/api/v1/leads", Utf8("{\"title\":\"\\ud800\",\"person_id\":1}"), "title" },
        { "POST", "/api/v1/leadLabels", Utf8("{\"name\":\"x\\udc00y\",\"color\":\"blue\"}"), "name" },
        { "POST", "/api/v1/leadLabels", Utf8("{\"name\":\"a\\u0000\",\"color\":\"blue\"}"), "name" },
        { "POST", "/api/v1/leadLabels", [.. Utf8("{\"name\":\""), 0xC3, 0x28, .. Utf8("\",\"color\":\"blue\"}")], "invalid UTF-8" },
        { "POST", "/api/v1/leads", [.. Utf8("{\"title\":\""), 0xED, 0xA0, 0x80, .. Utf8("\"}")], "invalid UTF-8" },
        { "PATCH", "/api/v1/leads/00000000-0000-0000-0000-000000000001", Utf8("{\"custom_fields\":{\"k\\u0000\":\"v\"}}"), "Property name" },
    };

    [Theory]
    [MemberData(nameof(ApiBodies))]
    public async Task Unstorable_text_in_a_json_body_is_a_400_naming_the_field_and_saves_nothing(string method, string path, byte[] body, string field)
    {
        var api = App.ApiClient(DemoUsers.Admin);
        var before = await RowCountAsync();

        using var response = await api.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } },
        });

        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, text);
        text.Should().Contain("\"success\":false").And.Contain(field);
        (await RowCountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("/api/v2/deals?status=open&sort=%00", "sort")]
    [InlineData("/api/v1/leads?source_name=a%00b", "source_name")]
    [InlineData("/api/v1/users/me?api_token=%00", "api_token")]
    public async Task A_nul_in_an_api_query_string_is_a_400_naming_the_parameter(string url, string parameter)
    {
        using var response = await App.ApiClient(DemoUsers.Rep).GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"Query parameter '{parameter}'");
    }

    [Theory]
    [InlineData("/deals?search=a%00b", "search")]
    [InlineData("/leads?q=%00", "q")]
    [InlineData("/persons?q=%00", "q")]
    public async Task A_nul_in_a_page_query_string_is_a_400_page_naming_the_parameter(string url, string parameter)
    {
        var browser = await App.SignInAsync(DemoUsers.Rep);

        using var response = await browser.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        (await response.Content.ReadAsStringAsync()).Should().Contain($"Query parameter &#39;{parameter}&#39;");
    }

    [Fact]
    public async Task A_nul_in_a_form_field_is_a_400_page_naming_the_field_and_saves_nothing()
    {
        var browser = await App.SignInAsync(DemoUsers.Rep);
        var before = await RowCountAsync();

        using var response = await browser.PostFormAsync("/persons/new", new Dictionary<string, string> { ["Name"] = "a\0b" });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Form field &#39;Name&#39; contains a NUL character");
        (await RowCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_nul_in_a_route_value_is_a_400_naming_it_before_the_endpoint_runs()
    {
        // Kestrel refuses a NUL in the path itself; a route value made some other way must still not pass.
        var context = new DefaultHttpContext { RequestServices = App.Services, Request = { Path = "/api/v1/leads/x" }, Response = { Body = new MemoryStream() } };
        context.Request.RouteValues["id"] = "a\0b";
        var reached = false;

        await new StorableInput(_ => { reached = true; return Task.CompletedTask; }).InvokeAsync(context);

        reached.Should().BeFalse();
        context.Response.StatusCode.Should().Be(StatusCodes.Status400BadRequest);
        context.Response.Body.Position = 0;
        (await new StreamReader(context.Response.Body).ReadToEndAsync()).Should().Contain("Route value 'id' contains a NUL character");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private Task<int> RowCountAsync() => App.WithDbAsync(async db =>
        await db.Deals.IgnoreQueryFilters().CountAsync() + await db.Persons.CountAsync() + await db.Leads.CountAsync()
        + await db.LeadLabels.CountAsync() + await db.BulkConversionJobs.CountAsync());
}
