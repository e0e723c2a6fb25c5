using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Webhooks;

/// <summary>A webhook to create, in Pipedrive's terms; null means "not given".</summary>
public sealed record WebhookInput
{
    public string? Name { get; init; }
    public string? SubscriptionUrl { get; init; }
    public string? EventAction { get; init; }
    public string? EventObject { get; init; }
    public int? UserId { get; init; }
    public string? HttpAuthUser { get; init; }
    public string? HttpAuthPassword { get; init; }
    public string? Version { get; init; }
}

/// <summary>A webhook with its latest deliveries, for the Settings page.</summary>
public sealed record WebhookWithDeliveries(Webhook Webhook, IReadOnlyList<WebhookDeliveryView> Deliveries);

public sealed record WebhookDeliveryView(long Id, string Action, string Entity, string EntityId, DateTimeOffset CreatedAt, WebhookDeliveryStatus Status,
    int Attempts, DateTimeOffset? LastAttemptAt, int? LastHttpStatus, string? LastError);

/// <summary>
/// Creating, listing, deleting and resuming webhooks, for the API and the Settings page alike. Webhooks are for global
/// admins: a webhook receives every change of every deal, lead and contact, whoever may see it.
/// </summary>
public sealed class WebhookSubscriptions(CrmDbContext db, TimeProvider clock, WebhookAddressPolicy addresses, IDataProtectionProvider protection)
{
    public const int MaxWebhooksPerUser = 40;
    public const int DeliveriesShown = 20;
    private const string PasswordPurpose = "DealToLead.Webhooks.HttpAuthPassword";

    private static readonly CommandError AdminsOnly =
        CommandError.Forbidden("Webhooks are managed by global admins: a webhook receives every change in the company.");

    public async Task<CommandResult<IReadOnlyList<Webhook>>> ListAsync(UserAccess actor, CancellationToken cancellationToken = default)
    {
        if (!actor.IsGlobalAdmin)
        {
            return AdminsOnly;
        }

        return await db.Webhooks.AsNoTracking().OrderBy(w => w.Id).ToListAsync(cancellationToken);
    }

    public async Task<CommandResult<Webhook>> CreateAsync(UserAccess actor, WebhookInput input, CancellationToken cancellationToken = default)
    {
        if (!actor.IsGlobalAdmin)
        {
            return AdminsOnly;
        }

        if (Refusal(input, out var uri) is { } invalid)
        {
            return CommandError.Invalid(invalid);
        }

        var userId = input.UserId ?? actor.UserId;
        if (!await db.Users.AnyAsync(u => u.Id == userId && u.IsActive && u.Role == UserRole.GlobalAdmin, cancellationToken))
        {
            return CommandError.Invalid("user_id must be an active global admin: a webhook receives every change in the company.");
        }

        if (await db.Webhooks.CountAsync(w => w.UserId == userId, cancellationToken) >= MaxWebhooksPerUser)
        {
            return CommandError.Invalid($"A user can have at most {MaxWebhooksPerUser} webhooks.");
        }

        // Last, as it may wait for DNS.
        if (await addresses.AddressRefusalAsync(uri!, cancellationToken) is { } refusedAddress)
        {
            return CommandError.Invalid(refusedAddress);
        }

        var webhook = new Webhook
        {
            Name = input.Name!.Trim(),
            SubscriptionUrl = input.SubscriptionUrl!.Trim(),
            EventAction = input.EventAction!,
            EventObject = input.EventObject!,
            Version = WebhookNames.Version,
            UserId = userId,
            OwnerId = actor.UserId,
            HttpAuthUser = string.IsNullOrEmpty(input.HttpAuthUser) ? null : input.HttpAuthUser,
            ProtectedHttpAuthPassword = string.IsNullOrEmpty(input.HttpAuthPassword) ? null : Protector.Protect(input.HttpAuthPassword),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(cancellationToken);
        return webhook;
    }

    /// <summary>Deletes the webhook with its deliveries; events already being sent finish.</summary>
    public async Task<CommandResult<int>> DeleteAsync(UserAccess actor, int webhookId, CancellationToken cancellationToken = default)
    {
        if (!actor.IsGlobalAdmin)
        {
            return AdminsOnly;
        }

        if (await db.Webhooks.Where(w => w.Id == webhookId).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            return CommandError.NotFound("Webhook");
        }

        await db.WebhookDeliveries.Where(d => d.WebhookId == webhookId && d.Status != WebhookDeliveryStatus.Sending).ExecuteDeleteAsync(cancellationToken);
        return webhookId;
    }

    /// <summary>Resumes a paused webhook: deliveries that waited are sent, and new events are recorded for it again.</summary>
    public async Task<CommandResult<Webhook>> ResumeAsync(UserAccess actor, int webhookId, CancellationToken cancellationToken = default)
    {
        if (!actor.IsGlobalAdmin)
        {
            return AdminsOnly;
        }

        var webhook = await db.Webhooks.FirstOrDefaultAsync(w => w.Id == webhookId, cancellationToken);
        if (webhook is null)
        {
            return CommandError.NotFound("Webhook");
        }

        (webhook.IsActive, webhook.PausedAt, webhook.PausedReason, webhook.ConsecutiveFailures, webhook.FailingSince) = (true, null, null, 0, null);
        await db.SaveChangesAsync(cancellationToken);
        return webhook;
    }

    public async Task<CommandResult<IReadOnlyList<WebhookWithDeliveries>>> ListWithDeliveriesAsync(UserAccess actor, CancellationToken cancellationToken = default)
    {
        var webhooks = await ListAsync(actor, cancellationToken);
        if (webhooks.Error is { } error)
        {
            return error;
        }

        var result = new List<WebhookWithDeliveries>();
        foreach (var webhook in webhooks.Value!)
        {
            var deliveries = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => d.WebhookId == webhook.Id)
                .OrderByDescending(d => d.Id)
                .Take(DeliveriesShown)
                .Select(d => new WebhookDeliveryView(d.Id, d.Event!.Action, d.Event.Entity, d.Event.EntityId, d.CreatedAt, d.Status, d.Attempts, d.LastAttemptAt, d.LastHttpStatus, d.LastError))
                .ToListAsync(cancellationToken);
            result.Add(new WebhookWithDeliveries(webhook, deliveries));
        }

        return result;
    }

    /// <summary>The basic-auth password in clear, for the sender only.</summary>
    public static string? PasswordOf(Webhook webhook, IDataProtectionProvider protection) =>
        webhook.ProtectedHttpAuthPassword is { } stored ? protection.CreateProtector(PasswordPurpose).Unprotect(stored) : null;

    private IDataProtector Protector => protection.CreateProtector(PasswordPurpose);

    private static string? Refusal(WebhookInput input, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > Webhook.MaxNameLength)
        {
            return $"name is required (at most {Webhook.MaxNameLength} characters).";
        }

        if (input.EventAction is null || !WebhookNames.Actions.Contains(input.EventAction))
        {
            return $"event_action must be one of {string.Join(", ", WebhookNames.Actions)}.";
        }

        if (input.EventObject is null || !WebhookNames.Objects.Contains(input.EventObject))
        {
            return $"event_object must be one of {string.Join(", ", WebhookNames.Objects)} (DealToLead sends no events for other objects).";
        }

        if (input.Version is not null && input.Version != WebhookNames.Version)
        {
            return $"version must be {WebhookNames.Version}: DealToLead sends Pipedrive's webhooks v2 payload only.";
        }

        if (input.HttpAuthUser?.Length > Webhook.MaxAuthUserLength || input.HttpAuthPassword?.Length > Webhook.MaxAuthPasswordLength)
        {
            return $"http_auth_user and http_auth_password may have at most {Webhook.MaxAuthUserLength} characters each.";
        }

        if (input.HttpAuthUser?.Contains(':') == true)
        {
            return "http_auth_user may not contain a colon (HTTP basic auth separates user and password with one).";
        }

        return WebhookAddressPolicy.UrlRefusal(input.SubscriptionUrl, out uri);
    }
}
