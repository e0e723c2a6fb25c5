using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace DealToLead.Infrastructure.Database;

/// <summary>
/// Closes the server-side prepared statements of a command PostgreSQL refused, so a pooled connection never keeps a
/// statement Npgsql believes prepared but cannot read (docs/decisions/0009).
/// </summary>
/// <remarks>
/// Npgsql 10.0.3 marks an auto-prepared statement prepared when PostgreSQL acknowledges its Parse, but learns its
/// columns only after the Bind. When PostgreSQL rejects a parameter value at Bind (a NUL in text, <c>\u0000</c> in
/// jsonb), the statement stays "prepared" without columns: every later use of the same SQL on that connection
/// reads no columns ("The underlying reader doesn't have as many fields as expected") or an unexpected DataRow.
/// Unpreparing the failed command makes Npgsql parse it again on its next use. Runs only when a command failed.
/// </remarks>
public sealed class UnprepareFailedCommands : DbCommandInterceptor
{
    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (Applies(command, eventData.Exception))
        {
            Unprepare(command);
        }
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        Applies(command, eventData.Exception) ? UnprepareAsync(command) : Task.CompletedTask;

    // A cancellation PostgreSQL acknowledged (57014) can land between a statement's Parse and its Bind as well.
    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (IsOpen(command))
        {
            Unprepare(command);
        }
    }

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default) =>
        IsOpen(command) ? UnprepareAsync(command) : Task.CompletedTask;

    private static void Unprepare(DbCommand command)
    {
        try
        {
            ((NpgsqlCommand)command).Unprepare();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke as well; Npgsql discards a broken connection instead of pooling it.
        }
    }

    private static async Task UnprepareAsync(DbCommand command)
    {
        try
        {
            // Not the request's token: a cancelled request must still leave the connection clean.
            await ((NpgsqlCommand)command).UnprepareAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // As above.
        }
    }

    private static bool Applies(DbCommand command, Exception exception) => exception is PostgresException && IsOpen(command);

    private static bool IsOpen(DbCommand command) => command is NpgsqlCommand { Connection.FullState: System.Data.ConnectionState.Open };
}
