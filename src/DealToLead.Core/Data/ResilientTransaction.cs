using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Data;

/// <summary>
/// The one way the app runs a unit of work in a transaction: inside the execution strategy, so a dropped connection
/// retries the whole unit, with an empty change tracker on every try, so a retry never saves what a failed try left.
/// The work commits by returning; it gives up with <see cref="AbandonTransactionAsync"/>.
/// </summary>
public static class ResilientTransaction
{
    public static Task<T> InTransactionAsync<T>(this DbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            if (db.Database.CurrentTransaction is not null)
            {
                await transaction.CommitAsync(ct);
            }

            return result;
        }, cancellationToken);

    public static Task InTransactionAsync(this DbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            await work(ct);
            return true;
        }, cancellationToken);

    /// <summary>Rolls back, and forgets whatever the work had tracked, so none of it reaches a later save.</summary>
    public static async Task AbandonTransactionAsync(this DbContext db, CancellationToken cancellationToken)
    {
        await db.Database.RollbackTransactionAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
