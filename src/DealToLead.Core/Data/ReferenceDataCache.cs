using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DealToLead.Core.Data;

/// <summary>
/// The lead labels and the active users (owners) every inbox view shows, kept in memory: two of an inbox page's six
/// round trips (ADR 0019); and the deals' custom fields, one of a conversion's statements. A change saved through this process empties it at once (<see cref="Invalidation"/>,
/// and <see cref="Invalidate"/> for set-based statements); a change made by another instance shows within
/// <see cref="MaxAge"/>.
/// </summary>
public sealed class ReferenceDataCache(TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private long _version;
    private readonly Slot<IReadOnlyList<LeadLabel>> _labels = new();
    private readonly Slot<IReadOnlyList<UserOption>> _owners = new();
    private readonly Slot<IReadOnlyList<CustomFieldDefinition>> _dealFields = new();

    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _labels.Entry = null;
        _owners.Entry = null;
        _dealFields.Entry = null;
    }

    /// <summary>Every label by name. The rows are shared: read them, never change them.</summary>
    public async Task<IReadOnlyList<LeadLabel>> LabelsAsync(CrmDbContext db, CancellationToken cancellationToken) =>
        await GetAsync<IReadOnlyList<LeadLabel>>(_labels, async () => await LeadLabel.AllByName(db).ToListAsync(cancellationToken));

    /// <summary>The active users by name.</summary>
    public async Task<IReadOnlyList<UserOption>> OwnersAsync(CrmDbContext db, CancellationToken cancellationToken) =>
        await GetAsync<IReadOnlyList<UserOption>>(_owners, async () => await UserOption.Active(db).ToListAsync(cancellationToken));

    /// <summary>The deals' custom fields in their order, which every conversion reads for its formula fields (ADR 0024). Shared rows: read only.</summary>
    public async Task<IReadOnlyList<CustomFieldDefinition>> DealFieldsAsync(CrmDbContext db, CancellationToken cancellationToken) =>
        await GetAsync<IReadOnlyList<CustomFieldDefinition>>(_dealFields, async () => await DealFields(db).ToListAsync(cancellationToken));

    /// <summary>The query behind <see cref="DealFieldsAsync"/>, for callers that have no cache.</summary>
    internal static readonly Func<CrmDbContext, IAsyncEnumerable<CustomFieldDefinition>> DealFields = EF.CompileAsyncQuery<CrmDbContext, CustomFieldDefinition>(
        db => db.CustomFields.AsNoTracking().Where(f => f.Entity == CustomFieldEntity.Deal).OrderBy(f => f.OrderNr));

    private async Task<T> GetAsync<T>(Slot<T> slot, Func<Task<T>> load)
        where T : class
    {
        var now = clock.GetUtcNow();
        if (slot.Entry is { } cached && now - cached.LoadedAt < MaxAge)
        {
            return cached.Value;
        }

        // A load that overlaps a change is returned but not kept: the version tells.
        var version = Interlocked.Read(ref _version);
        var value = await load();
        if (Interlocked.Read(ref _version) == version)
        {
            slot.Entry = new Entry<T>(value, now);
        }

        return value;
    }

    private sealed record Entry<T>(T Value, DateTimeOffset LoadedAt);

    private sealed class Slot<T>
    {
        private Entry<T>? _entry;

        public Entry<T>? Entry
        {
            get => Volatile.Read(ref _entry);
            set => Volatile.Write(ref _entry, value);
        }
    }

    /// <summary>Empties the cache around every save that adds, changes or removes a label, a user or a custom field.</summary>
    public sealed class Invalidation(ReferenceDataCache cache) : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Check(eventData.Context);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(eventData.Context);
            return ValueTask.FromResult(result);
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            Check(eventData.Context, afterSave: true);
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            Check(eventData.Context, afterSave: true);
            return ValueTask.FromResult(result);
        }

        // Before the save (so no reader keeps the old rows past it) and again after it (so none keeps rows it read
        // while the save ran); after the save the entries are Unchanged, so the first check marks the context.
        private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, object> _saving = [];

        private void Check(DbContext? context, bool afterSave = false)
        {
            if (context is null)
            {
                return;
            }

            if (afterSave)
            {
                if (_saving.Remove(context))
                {
                    cache.Invalidate();
                }
            }
            else if (context.ChangeTracker.Entries().Any(e =>
                e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is LeadLabel or AppUser or CustomFieldDefinition))
            {
                _saving.AddOrUpdate(context, context);
                cache.Invalidate();
            }
        }
    }
}
