using System.Text.Json;
using DealToLead.Core.Common;
using DealToLead.Core.Webhooks;
using DealToLead.Infrastructure.Webhooks;
using DealToLead.Web.Auth;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Api;

/// <summary>Pipedrive's <c>AddWebhookRequest</c>.</summary>
public sealed record WebhookRequest(
    string? SubscriptionUrl, string? EventAction, string? EventObject, string? Name, int? UserId, string? HttpAuthUser, string? HttpAuthPassword, string? Version);

/// <summary>
/// Pipedrive's <c>BaseWebhook</c>. The password is never sent back: a webhook with one shows it masked.
/// <c>remove_reason</c> says why a paused webhook (<c>is_active</c> 0) was paused.
/// </summary>
public sealed record WebhookDto(
    int Id, int CompanyId, int OwnerId, int UserId, string EventAction, string EventObject, string SubscriptionUrl, string Version, int IsActive,
    DateTime AddTime, DateTime? RemoveTime, string Type, string? HttpAuthUser, string? HttpAuthPassword, string? RemoveReason,
    DateTime? LastDeliveryTime, int? LastHttpStatus, int AdminId, string Name)
{
    public const string MaskedPassword = "********";

    public static WebhookDto From(Webhook w) => new(
        w.Id, CompanySettings.SingletonId, w.OwnerId, w.UserId, w.EventAction, w.EventObject, w.SubscriptionUrl, w.Version, w.IsActive ? 1 : 0,
        w.CreatedAt.UtcDateTime, null, "general", w.HttpAuthUser, w.ProtectedHttpAuthPassword is null ? null : MaskedPassword, w.PausedReason,
        w.LastDeliveryAt?.UtcDateTime, w.LastHttpStatus, w.OwnerId, w.Name);
}

/// <summary>Pipedrive's <c>/v1/webhooks</c>: global admins list, create and delete webhooks (see <see cref="WebhookSubscriptions"/>).</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/webhooks", GetWebhooks).WithName("GetWebhooks").WithSummary("All webhooks of the company (global admins).");
        api.MapPost("/v1/webhooks", AddWebhook).WithName("AddWebhook").Accepts<WebhookRequest>("application/json")
            .WithSummary("Create a webhook; events are sent in Pipedrive's v2 payload (global admins).");
        api.MapDelete("/v1/webhooks/{id:int}", DeleteWebhook).WithName("DeleteWebhook").WithSummary("Delete a webhook (global admins).");
        return api;
    }

    private static async Task<IResult> GetWebhooks(CurrentUser currentUser, WebhookSubscriptions webhooks, CancellationToken ct)
    {
        var result = await webhooks.ListAsync(await currentUser.RequireAccessAsync(ct), ct);
        return result.ToApi(list => list.Select(WebhookDto.From).ToList());
    }

    private static async Task<IResult> AddWebhook(
        HttpRequest http, CurrentUser currentUser, WebhookSubscriptions webhooks, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        WebhookRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<WebhookRequest>(http.Body, json.Value.SerializerOptions, ct);
        }
        catch (JsonException exception)
        {
            return ApiResults.InvalidJson(exception);
        }

        if (request is null)
        {
            return ApiResults.BadRequest("Send the webhook as a JSON object with subscription_url, event_action, event_object and name.");
        }

        var input = new WebhookInput
        {
            Name = request.Name,
            SubscriptionUrl = request.SubscriptionUrl,
            EventAction = request.EventAction,
            EventObject = request.EventObject,
            UserId = request.UserId,
            HttpAuthUser = request.HttpAuthUser,
            HttpAuthPassword = request.HttpAuthPassword,
            Version = request.Version,
        };
        var result = await webhooks.CreateAsync(await currentUser.RequireAccessAsync(ct), input, ct);
        return result.ToApi(WebhookDto.From, StatusCodes.Status201Created);
    }

    private static async Task<IResult> DeleteWebhook(int id, CurrentUser currentUser, WebhookSubscriptions webhooks, CancellationToken ct)
    {
        var result = await webhooks.DeleteAsync(await currentUser.RequireAccessAsync(ct), id, ct);
        return result.ToApi(deleted => new { Id = deleted });
    }
}
