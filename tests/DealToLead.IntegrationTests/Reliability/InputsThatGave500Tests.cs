using System.Net;
using System.Text;
using DealToLead.Core.CustomFields;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Reliability;

/// <summary>Issue #17 §2: inputs that were answered 500 are refused with a 4xx that says why, and change nothing.</summary>
public sealed class InputsThatGave500Tests(DealToLeadApp app) : AppTest(app)
{
    [Theory]
    [InlineData("/api/v2/deals", "{\"title\":\"T\",\"person_id\":PERSON,\"custom_fields\":{\"seats\":1e29}}")]
    [InlineData("/api/v2/deals", "{\"title\":\"T\",\"person_id\":PERSON,\"custom_fields\":{\"seats\":-1e400}}")]
    [InlineData("/api/v2/persons", "{\"name\":\"P\",\"custom_fields\":{\"person_score\":1e29}}")]
    [InlineData("/api/v2/organizations", "{\"name\":\"O\",\"custom_fields\":{\"org_size\":123456789012345678901234567890}}")]
    public async Task A_custom_field_number_beyond_what_can_be_stored_is_a_400_and_saves_nothing(string path, string json)
    {
        var world = await App.CreateWorldAsync();
        await App.WithDbAsync(db =>
        {
            db.CustomFields.AddRange(
                new CustomFieldDefinition { Entity = CustomFieldEntity.Person, Key = "person_score", Name = "Score", Type = CustomFieldType.Number, OrderNr = 5 },
                new CustomFieldDefinition { Entity = CustomFieldEntity.Organization, Key = "org_size", Name = "Size", Type = CustomFieldType.Number, OrderNr = 5 });
            return db.SaveChangesAsync();
        });
        var before = await RowCountAsync();

        using var response = await App.ApiClient(DemoUsers.Rep).PostAsync(path, Json(json.Replace("PERSON", world.PersonId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain("outside the range");
        (await RowCountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("{\"name\":\"p\",\"emails\":[null]}")]
    [InlineData("{\"name\":\"p\",\"phones\":[null]}")]
    [InlineData("{\"name\":\"p\",\"emails\":[{\"value\":\"a@example.com\"},null]}")]
    public async Task A_null_in_a_persons_emails_or_phones_is_a_400_and_saves_nothing(string json)
    {
        var before = await RowCountAsync();

        using var response = await App.ApiClient(DemoUsers.Rep).PostAsync("/api/v2/persons", Json(json));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsStringAsync()).Should().Contain("without null");
        (await RowCountAsync()).Should().Be(before);
    }

    [Theory]
    [InlineData("/deals?page=50000000", "Parked deal")]
    [InlineData("/deals?page=2147483647", "Parked deal")]
    [InlineData("/persons?page=2147483647", "Pat Buyer")]
    [InlineData("/organizations?page=2147483647", "Acme Corp")]
    public async Task A_page_number_whose_offset_overflows_opens_the_last_page(string url, string shown)
    {
        var world = await App.CreateWorldAsync();
        await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep), "Parked deal");
        var browser = await App.SignInAsync(DemoUsers.Rep);

        using var response = await browser.GetAsync(url);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain(shown);
    }

    [Fact]
    public async Task An_eml_over_the_size_limit_is_a_413_that_names_the_limit_and_saves_nothing()
    {
        var world = await App.CreateWorldAsync();
        var dealId = await App.AddDealAsync(world, await App.UserIdAsync(DemoUsers.Rep));
        var eml = new byte[26 * 1024 * 1024];
        Encoding.ASCII.GetBytes("From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n\r\n").CopyTo(eml, 0);
        Array.Fill(eml, (byte)'x', 60, eml.Length - 60);

        using var response = await App.ApiClient(DemoUsers.Rep).PostAsync($"/api/v1/deals/{dealId}/mailMessages",
            new ByteArrayContent(eml) { Headers = { ContentType = new("message/rfc822") } });

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).Should().Contain("25 MB");
        (await App.WithDbAsync(db => db.Emails.CountAsync())).Should().Be(0);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private Task<int> RowCountAsync() => App.WithDbAsync(async db =>
        await db.Deals.IgnoreQueryFilters().CountAsync() + await db.Persons.CountAsync() + await db.Organizations.CountAsync());
}
