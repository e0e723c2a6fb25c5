using System.Globalization;
using System.Text.Json;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Webhooks;

/// <summary>The entity as the REST API returns it: implemented where the API's DTOs live, so a webhook's <c>data</c> is exactly what a GET returns.</summary>
public interface IWebhookDataRenderer
{
    Task<JsonElement> RenderAsync(CrmDbContext db, object entity, CancellationToken cancellationToken);

    /// <summary>Pipedrive's <c>change_source</c>: <c>api</c> for a change made through the REST API, <c>app</c> otherwise.</summary>
    string ChangeSource { get; }
}

/// <summary>
/// Records what the command services change as webhook events, in the change's own transaction (an outbox): one
/// <see cref="WebhookEvent"/> and a <see cref="WebhookDelivery"/> per active webhook that listens. A command runs its
/// work through <see cref="InUnitAsync{T}"/>, which opens the transaction only when some webhook listens, so a
/// company without webhooks pays one small query per command.
/// </summary>
public sealed class WebhookEvents(CrmDbContext db, TimeProvider clock, IWebhookDataRenderer renderer, ICurrentUser currentUser)
{
    private List<Webhook>? _unitListeners;
    private bool _isBulkEdit;

    /// <summary>Marks every event of this scope as part of a bulk edit (Pipedrive's <c>is_bulk_edit</c>).</summary>
    public void BeginBulkEdit() => _isBulkEdit = true;

    public Task<T> InUnitAsync<T>(string entity, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        InUnitAsync([entity], work, cancellationToken);

    /// <summary>Runs the work, and the events it records, in one transaction when a webhook listens to any of <paramref name="entities"/>.</summary>
    public async Task<T> InUnitAsync<T>(IReadOnlyCollection<string> entities, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_unitListeners is not null || db.Database.CurrentTransaction is not null)
        {
            return await work(cancellationToken);
        }

        var listeners = await ActiveWebhooksAsync(cancellationToken);
        listeners = listeners.Where(w => entities.Any(e => w.EventObject == WebhookNames.Any || w.EventObject == e)).ToList();
        _unitListeners = listeners;
        try
        {
            return listeners.Count == 0 ? await work(cancellationToken) : await db.InTransactionAsync(work, cancellationToken);
        }
        finally
        {
            _unitListeners = null;
        }
    }

    /// <summary>Whether an active webhook listens to any action on any of <paramref name="entities"/>, before loading what an event would need.</summary>
    public async Task<bool> AnyListenerAsync(IReadOnlyCollection<string> entities, CancellationToken cancellationToken) =>
        (_unitListeners ?? await ActiveWebhooksAsync(cancellationToken)).Any(w => entities.Any(e => w.EventObject == WebhookNames.Any || w.EventObject == e));

    /// <summary>The entity as it is before a change, when a webhook listens to its changes; give it to <see cref="RecordChangeAsync"/> afterwards.</summary>
    public async Task<JsonElement?> BeforeChangeAsync(object entity, CancellationToken cancellationToken) =>
        (await ListenersAsync(WebhookNames.Change, EntityName(entity), cancellationToken)).Count == 0
            ? null
            : await renderer.RenderAsync(db, entity, cancellationToken);

    public Task RecordCreateAsync(int? userId, object entity, CancellationToken cancellationToken, Guid? correlationId = null) =>
        RecordAsync(WebhookNames.Create, userId, entity, before: null, correlationId, cancellationToken);

    /// <summary>Call before a hard delete, or after a soft delete; <c>data</c> is the entity as it was last.</summary>
    public Task RecordDeleteAsync(int? userId, object entity, CancellationToken cancellationToken, Guid? correlationId = null) =>
        RecordAsync(WebhookNames.Delete, userId, entity, before: null, correlationId, cancellationToken);

    /// <summary>Records a change when something did change; <c>previous</c> holds the earlier values of the fields that changed, as in Pipedrive's v2.</summary>
    public Task RecordChangeAsync(int? userId, object entity, JsonElement? before, CancellationToken cancellationToken, Guid? correlationId = null) =>
        before is null ? Task.CompletedTask : RecordAsync(WebhookNames.Change, userId, entity, before, correlationId, cancellationToken);

    private async Task RecordAsync(string action, int? userId, object entity, JsonElement? before, Guid? correlationId, CancellationToken cancellationToken)
    {
        var entityName = EntityName(entity);
        var listeners = await ListenersAsync(action, entityName, cancellationToken);
        if (listeners.Count == 0)
        {
            return;
        }

        // As stored, not as in memory: PostgreSQL keeps microseconds, so data then reads exactly like a GET of it.
        var data = await renderer.RenderAsync(db, await StoredAsync(entity, cancellationToken) ?? entity, cancellationToken);
        string? previous = null;
        if (before is { } earlier)
        {
            var changed = ChangedFields(earlier, data);
            if (changed.Count == 0)
            {
                return;
            }

            previous = JsonSerializer.Serialize(changed);
        }

        var now = clock.GetUtcNow();
        var recorded = new WebhookEvent
        {
            Id = Guid.CreateVersion7(),
            Action = action,
            Entity = entityName,
            EntityId = EntityId(entity),
            UserId = userId ?? currentUser.UserId,
            OccurredAt = now,
            CorrelationId = correlationId ?? _correlationId,
            ChangeSource = renderer.ChangeSource,
            IsBulkEdit = _isBulkEdit,
            Data = data.GetRawText(),
            Previous = previous,
        };
        db.WebhookEvents.Add(recorded);
        foreach (var webhook in listeners)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                WebhookId = webhook.Id,
                EventId = recorded.Id,
                Status = WebhookDeliveryStatus.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    // Events of one scope (one request, one bulk chunk) share it, so a receiver can tell they belong together.
    private readonly Guid _correlationId = Guid.NewGuid();

    private async Task<List<Webhook>> ListenersAsync(string action, string entity, CancellationToken cancellationToken) =>
        (_unitListeners ?? await ActiveWebhooksAsync(cancellationToken)).Where(w => w.Matches(action, entity)).ToList();

    private Task<List<Webhook>> ActiveWebhooksAsync(CancellationToken cancellationToken) =>
        db.Webhooks.AsNoTracking().Where(w => w.IsActive).ToListAsync(cancellationToken);

    private static Dictionary<string, JsonElement> ChangedFields(JsonElement before, JsonElement after)
    {
        var changed = new Dictionary<string, JsonElement>();
        var now = after.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        foreach (var property in before.EnumerateObject())
        {
            if (!now.TryGetValue(property.Name, out var value) || !JsonElement.DeepEquals(property.Value, value))
            {
                changed[property.Name] = property.Value;
            }
        }

        return changed;
    }

    private async Task<object?> StoredAsync(object entity, CancellationToken cancellationToken) => entity switch
    {
        Deal deal => await db.Deals.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(d => d.Id == deal.Id, cancellationToken),
        Lead lead => await db.Leads.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(l => l.Id == lead.Id, cancellationToken),
        Person person => await db.Persons.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(p => p.Id == person.Id, cancellationToken),
        Organization organization => await db.Organizations.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(o => o.Id == organization.Id, cancellationToken),
        Activity activity => await db.Activities.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(a => a.Id == activity.Id, cancellationToken),
        Note note => await db.Notes.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(n => n.Id == note.Id, cancellationToken),
        _ => null,
    };

    public static string EntityName(object entity) => entity switch
    {
        Deal => WebhookNames.Deal,
        Lead => WebhookNames.Lead,
        Person => WebhookNames.Person,
        Organization => WebhookNames.Organization,
        Activity => WebhookNames.Activity,
        Note => WebhookNames.Note,
        _ => throw new ArgumentException($"No webhook events for {entity.GetType().Name}.", nameof(entity)),
    };

    private static string EntityId(object entity) => entity switch
    {
        Deal deal => deal.Id.ToString(CultureInfo.InvariantCulture),
        Lead lead => lead.Id.ToString(),
        Person person => person.Id.ToString(CultureInfo.InvariantCulture),
        Organization organization => organization.Id.ToString(CultureInfo.InvariantCulture),
        Activity activity => activity.Id.ToString(CultureInfo.InvariantCulture),
        Note note => note.Id.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"No webhook events for {entity.GetType().Name}.", nameof(entity)),
    };
}
