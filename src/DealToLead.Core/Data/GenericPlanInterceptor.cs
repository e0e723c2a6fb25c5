using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DealToLead.Core.Data;

/// <summary>
/// Runs a query tagged with <see cref="Tag"/> (<c>TagWith</c>) on the generic plan of its prepared statement: the
/// command first sets <c>plan_cache_mode</c> for its own implicit transaction, in the same round trip, and the reader
/// skips that setting's result. Use it only for a statement whose generic plan was shown to be the custom plans' one
/// (docs/decisions/0030).
/// </summary>
/// <remarks>
/// PostgreSQL plans a statement with <c>LIMIT $n</c> anew on every execution, because its generic plan assumes a tenth
/// of the rows and so looks costlier than every custom plan, and EF Core always sends <c>Take</c> as a parameter
/// (docs/decisions/0028). The setting is transaction-local, so it ends with the statement and never reaches another
/// statement of the pooled connection, or another client behind PgBouncer; inside an explicit transaction it would
/// last until that transaction's end, so there the command runs unchanged.
/// </remarks>
public sealed class GenericPlanInterceptor : DbCommandInterceptor
{
    public const string Tag = "generic plan";

    public static readonly GenericPlanInterceptor Instance = new();

    private const string UseGenericPlan = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true);\n";

    private GenericPlanInterceptor()
    {
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Prepend(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Prepend(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        if (IsPrepended(command))
        {
            result.NextResult();
        }

        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        if (IsPrepended(command))
        {
            await result.NextResultAsync(cancellationToken);
        }

        return result;
    }

    private static void Prepend(DbCommand command)
    {
        if (command.Transaction is null && command.CommandText.StartsWith("-- " + Tag + "\n", StringComparison.Ordinal))
        {
            command.CommandText = UseGenericPlan + command.CommandText;
        }
    }

    private static bool IsPrepended(DbCommand command) => command.CommandText.StartsWith(UseGenericPlan, StringComparison.Ordinal);
}
