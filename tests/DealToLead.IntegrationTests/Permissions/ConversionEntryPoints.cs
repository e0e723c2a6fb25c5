using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

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

        // TODO(lead): the deal list's bulk action: post the list's bulk form (selected deal ids) as the list page does.
        new("Deal list bulk action", (_, _, _) =>
            throw new NotImplementedException("TODO(lead): fill in the list bulk conversion entry point.")),

        // TODO(lead): "convert all filter results": post the filter-results conversion as the list page does.
        new("Deal list filter results", (_, _, _) =>
            throw new NotImplementedException("TODO(lead): fill in the filter-results conversion entry point.")),
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
