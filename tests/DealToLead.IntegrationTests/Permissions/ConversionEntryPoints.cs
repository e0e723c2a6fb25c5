using System.Net.Http.Json;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Permissions;

/// <summary>One way into converting a deal to a lead: attempts the conversion of one deal as the given user, as that entry point does.</summary>
public sealed record ConversionEntryPoint(string Name, Func<DealToLeadApp, DemoUser, int, Task<HttpResponseMessage>> Attempt)
{
    public override string ToString() => Name;
}

/// <summary>
/// THE shared permission test table: every entry point that converts deals to leads must be listed here, so that
/// <see cref="ConversionPermissionTests"/> proves the rep may use it and a user without the permission may not.
/// </summary>
public static class ConversionEntryPoints
{
    public static readonly IReadOnlyList<ConversionEntryPoint> All =
    [
        new("API", (app, user, dealId) =>
            app.ApiClient(user).PostAsync($"/api/v2/deals/{dealId}/convert/lead", content: null)),

        new("Deal detail page", async (app, user, dealId) =>
            await (await SignedInAsync(app, user)).PostFormAsync($"/deals/{dealId}/convert", new Dictionary<string, string>(), formPage: TokenPage)),

        new("Pipeline", async (app, user, dealId) =>
            await (await SignedInAsync(app, user)).PostFormAsync($"/deals/{dealId}/convert", new Dictionary<string, string>
            {
                ["returnUrl"] = "/pipeline",
            }, formPage: TokenPage)),

        new("Deal list bulk action", async (app, user, dealId) =>
            await (await SignedInAsync(app, user)).PostFormAsync("/deals/bulk-convert?handler=Confirm", new Dictionary<string, string>
            {
                ["mode"] = "ids",
                ["ids"] = dealId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, formPage: TokenPage)),

        new("Deal list filter results", async (app, user, dealId) =>
        {
            var title = await app.WithDbAsync(db => db.Deals.Where(d => d.Id == dealId).Select(d => d.Title).SingleAsync());
            return await (await SignedInAsync(app, user)).PostFormAsync(
                $"/deals/bulk-convert?handler=Confirm&Search={Uri.EscapeDataString(title)}",
                new Dictionary<string, string> { ["mode"] = "filter" },
                formPage: TokenPage);
        }),

        new("Bulk API", (app, user, dealId) =>
            app.ApiClient(user).PostAsJsonAsync("/api/v2/deals/convert/lead", new { ids = new[] { dealId } })),
    ];

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var entryPoint in All)
            {
                names.Add(entryPoint.Name);
            }

            return names;
        }
    }

    public static ConversionEntryPoint Named(string name) => All.Single(e => e.Name == name);

    // Antiforgery tokens are per user, not per form; the profile page has a form for everyone, even a user
    // from whom the convert button is hidden, so only authorization can refuse the post.
    private const string TokenPage = "/settings/profile";

    private static Task<HttpClient> SignedInAsync(DealToLeadApp app, DemoUser user) => app.SignInAsync(user);
}
