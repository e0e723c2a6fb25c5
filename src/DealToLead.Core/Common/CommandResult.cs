namespace DealToLead.Core.Common;

public enum CommandStatus
{
    Ok,
    NotFound,
    Forbidden,
    Invalid,
    Conflict,
    TooLarge,
}

/// <summary>Why a command did not happen, in words a user can act on.</summary>
public sealed record CommandError(CommandStatus Status, string Message)
{
    public static CommandError NotFound(string what) => new(CommandStatus.NotFound, $"{what} not found.");

    public static CommandError Forbidden(string message = "You do not have permission to do this.") => new(CommandStatus.Forbidden, message);

    public static CommandError Invalid(string message) => new(CommandStatus.Invalid, message);

    public static CommandError Conflict(string message) => new(CommandStatus.Conflict, message);

    public static CommandError TooLarge(string message) => new(CommandStatus.TooLarge, message);
}

/// <summary>
/// What every command of the domain answers: the changed thing, or a <see cref="CommandError"/>. The pages and the
/// API each have one translator of it (a flash message and redirect; the API envelope with its status code).
/// </summary>
public sealed class CommandResult<T>
{
    private CommandResult(T? value, CommandError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public CommandError? Error { get; }

    public CommandStatus Status => Error?.Status ?? CommandStatus.Ok;

    public bool Succeeded => Error is null;

    public static implicit operator CommandResult<T>(T value) => new(value, null);

    public static implicit operator CommandResult<T>(CommandError error) => new(default, error);
}
