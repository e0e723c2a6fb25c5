using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace DealToLead.IntegrationTests.Infrastructure;

/// <summary>Counts the SQL commands EF Core sends, for query budget tests.</summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int _count;

    /// <summary>Counts only when this says so, e.g. only inside an HTTP request and not in background workers.</summary>
    public Func<bool> CountsWhen { get; set; } = () => true;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Copies of the counted commands since the last <see cref="Reset"/>, with their parameters, to run again outside the app.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<Npgsql.NpgsqlCommand> Copies { get; private set; } = new();

    /// <summary>The text of every counted command, for tests of a query's shape.</summary>
    public IEnumerable<string> Commands => Copies.Select(c => c.CommandText);

    /// <summary>Background workers (bulk jobs, outbox, webhooks, purge) share the DbContext registration; only requests count.</summary>
    public void CountOnlyRequestsOf(IServiceProvider services)
    {
        var requests = services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>();
        CountsWhen = () => requests.HttpContext is not null;
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
        Copies = new();
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Add(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return ValueTask.FromResult(result);
    }

    private void Add(DbCommand command)
    {
        if (CountsWhen())
        {
            Interlocked.Increment(ref _count);
            Copies.Enqueue(((Npgsql.NpgsqlCommand)command).Clone());
        }
    }
}
