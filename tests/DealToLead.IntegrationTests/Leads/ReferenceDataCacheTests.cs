using System.Text.Json;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Crm;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Leads;

/// <summary>The inbox's labels and owners and the conversions' deal fields come from memory (ADR 0019), yet a change shows at once.</summary>
public class ReferenceDataCacheTests(DealToLeadApp app) : AppTest(app)
{
    [Fact]
    public async Task A_label_added_renamed_or_deleted_shows_on_the_next_inbox_view()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        (await client.GetStringAsync("/leads")).Should().NotContain("Trade fair 2027", "the first view caches the labels");

        var id = await App.WithDbAsync(async db =>
        {
            var label = new LeadLabel { Name = "Trade fair 2027", Color = LeadLabelColor.Green, CreatedAt = DateTimeOffset.UtcNow };
            db.LeadLabels.Add(label);
            await db.SaveChangesAsync();
            return label.Id;
        });
        (await client.GetStringAsync("/leads")).Should().Contain("Trade fair 2027");

        await App.WithDbAsync(async db =>
        {
            (await db.LeadLabels.SingleAsync(l => l.Id == id)).Name = "Trade fair 2028";
            await db.SaveChangesAsync();
        });
        (await client.GetStringAsync("/leads")).Should().Contain("Trade fair 2028").And.NotContain("Trade fair 2027");

        await App.WithDbAsync(db => LeadLabelRules.DeleteAsync(db, App.Services.GetRequiredService<ReferenceDataCache>(), id, CancellationToken.None));
        (await client.GetStringAsync("/leads")).Should().NotContain("Trade fair 2028");
    }

    [Fact]
    public async Task A_renamed_user_shows_by_the_new_name_in_the_owner_filter()
    {
        var client = await App.SignInAsync(DemoUsers.Rep);
        (await client.GetStringAsync("/leads")).Should().Contain(DemoUsers.Manager.DisplayName);

        await App.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Email == DemoUsers.Manager.Email)).DisplayName = "Mona Renamed";
            await db.SaveChangesAsync();
        });

        (await client.GetStringAsync("/leads")).Should().Contain("Mona Renamed");
    }

    [Fact]
    public async Task A_formula_field_added_or_deleted_in_settings_is_named_or_not_by_the_next_conversion()
    {
        var world = await App.CreateWorldAsync();
        var rep = await App.UserIdAsync(DemoUsers.Rep);
        var deals = new List<int>();
        foreach (var title in new[] { "Before the field", "With the field", "After the field" })
        {
            deals.Add(await App.AddDealAsync(world, rep, title));
        }

        var api = App.ApiClient(DemoUsers.Rep);
        var admin = await App.SignInAsync(DemoUsers.Admin);
        (await NotCarriedAsync(api, deals[0])).Should().NotContain("Double value", "the first conversion caches the deal fields");

        (await admin.PostFormAsync("/settings/custom-fields?handler=Add", new Dictionary<string, string>
        {
            ["entity"] = "Deal",
            ["name"] = "Double value",
            ["type"] = "Formula",
            ["formula"] = "value * 2",
        }, "/settings/custom-fields")).StatusCode.Should().Be(System.Net.HttpStatusCode.Redirect);
        (await NotCarriedAsync(api, deals[1])).Should().Contain("Double value");

        var fieldId = await App.WithDbAsync(db => db.CustomFields.Where(f => f.Entity == CustomFieldEntity.Deal && f.Name == "Double value").Select(f => f.Id).SingleAsync());
        (await admin.PostFormAsync($"/settings/custom-fields?handler=Delete&id={fieldId}", new Dictionary<string, string>(), "/settings/custom-fields"))
            .StatusCode.Should().Be(System.Net.HttpStatusCode.Redirect);
        (await NotCarriedAsync(api, deals[2])).Should().NotContain("Double value", "the field was deleted with a set-based statement, which empties the cache itself");
    }

    private static async Task<List<string>> NotCarriedAsync(HttpClient api, int dealId)
    {
        using var response = await api.PostAsync($"/api/v2/deals/{dealId}/convert/lead", null);
        var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var status = JsonDocument.Parse(await api.GetStringAsync($"/api/v2/deals/{dealId}/convert/status/{data.GetProperty("conversion_id").GetString()}")).RootElement.GetProperty("data");
        status.GetProperty("status").GetString().Should().Be("completed");
        return status.GetProperty("formula_fields_not_carried").EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
