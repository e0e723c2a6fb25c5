using DealToLead.Core.Webhooks;
using DealToLead.Infrastructure.Webhooks;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = Policies.GlobalAdmin)]
public class WebhooksModel(WebhookSubscriptions webhooks, CurrentUser currentUser, IStringLocalizer<SettingsText> text) : PageModel
{
    public IReadOnlyList<WebhookWithDeliveries> Webhooks { get; private set; } = [];

    [BindProperty]
    public WebhookForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await webhooks.ListWithDeliveriesAsync(await currentUser.RequireAccessAsync(cancellationToken), cancellationToken);
        if (result.Error is { } error)
        {
            return error.ToPage(this, Page);
        }

        Webhooks = result.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var result = await webhooks.CreateAsync(await currentUser.RequireAccessAsync(cancellationToken), Form.ToInput(), cancellationToken);
        return result.ToPage(this, text["Webhook \"{0}\" added.", Form.Name?.Trim() ?? string.Empty], () => RedirectToPage());
    }

    public async Task<IActionResult> OnPostDeleteAsync(int webhookId, CancellationToken cancellationToken)
    {
        var result = await webhooks.DeleteAsync(await currentUser.RequireAccessAsync(cancellationToken), webhookId, cancellationToken);
        return result.ToPage(this, text["Webhook deleted."], () => RedirectToPage());
    }

    public async Task<IActionResult> OnPostResumeAsync(int webhookId, CancellationToken cancellationToken)
    {
        var result = await webhooks.ResumeAsync(await currentUser.RequireAccessAsync(cancellationToken), webhookId, cancellationToken);
        return result.ToPage(this, text["Webhook resumed: waiting deliveries are sent now."], () => RedirectToPage());
    }

    public sealed class WebhookForm
    {
        public string? Name { get; set; }
        public string? SubscriptionUrl { get; set; }
        public string EventAction { get; set; } = WebhookNames.Any;
        public string EventObject { get; set; } = WebhookNames.Any;
        public string? HttpAuthUser { get; set; }
        public string? HttpAuthPassword { get; set; }

        public WebhookInput ToInput() => new()
        {
            Name = Name,
            SubscriptionUrl = SubscriptionUrl,
            EventAction = EventAction,
            EventObject = EventObject,
            HttpAuthUser = HttpAuthUser,
            HttpAuthPassword = HttpAuthPassword,
        };
    }
}
