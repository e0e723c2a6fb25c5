using System.Data;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DealToLead.Core.Files;

/// <summary>A change to a file's details: a null property means "leave as is".</summary>
public sealed record FileChanges
{
    public string? Name { get; init; }
    public string? Description { get; init; }
}

/// <summary>
/// Files on deals and leads, from the pages and the API; exactly as visible and editable as their deal or lead
/// (<see cref="RecordAccess"/>). The bytes go to PostgreSQL as a stream and come back as one (docs/decisions/0017).
/// </summary>
public sealed class FileCommands(CrmDbContext db, TimeProvider clock, IOptions<FileStorageOptions> options)
{
    public long MaxBytes => options.Value.MaxBytes;

    public string TooLargeMessage => options.Value.TooLargeMessage;

    /// <summary>Stores <paramref name="content"/> under a sanitized <paramref name="clientFileName"/>; the content type is read from the bytes.</summary>
    public async Task<CommandResult<AttachedFile>> AttachAsync(UserAccess actor, ItemParent parent, string? clientFileName, Stream content, CancellationToken cancellationToken = default)
    {
        if (parent == default || ItemRules.RefuseBoth(parent) is not null)
        {
            return CommandError.Invalid("A file is attached to one deal or one lead: give deal_id or lead_id.");
        }

        if (await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken) is { } refusal)
        {
            return refusal;
        }

        if (!content.CanSeek)
        {
            await using var copy = await SpoolAsync(content, cancellationToken);
            return copy is null
                ? CommandError.TooLarge(TooLargeMessage)
                : await AttachAsync(actor, parent, clientFileName, copy, cancellationToken);
        }

        var size = content.Length - content.Position;
        if (size > MaxBytes)
        {
            return CommandError.TooLarge(TooLargeMessage);
        }

        if (size == 0)
        {
            return CommandError.Invalid("The file is empty.");
        }

        var start = content.Position;
        var now = clock.GetUtcNow();
        var file = new AttachedFile
        {
            FileName = FileNames.Sanitize(clientFileName),
            ContentType = FileContentTypes.Sniff(content),
            Size = size,
            UploadedById = actor.UserId,
            DealId = parent.DealId,
            LeadId = parent.LeadId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await db.InTransactionAsync(async ct =>
        {
            file.Id = 0;
            db.Files.Add(file);
            await db.SaveChangesAsync(ct);
            content.Position = start;
            // Npgsql sends a stream parameter as it reads it: the bytes are not copied into an array first.
            await db.Database.ExecuteSqlRawAsync("INSERT INTO file_contents (file_id, content) VALUES (@file_id, @content)",
                [new NpgsqlParameter<int>("file_id", file.Id), new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = content }], ct);
            return file;
        }, cancellationToken);
    }

    /// <summary>A file the actor may see, with its uploader; deleted deals' files included, as their page shows them.</summary>
    public Task<AttachedFile?> FindVisibleAsync(UserAccess actor, int fileId, CancellationToken cancellationToken = default) =>
        db.Files.AsNoTracking().VisibleTo(db, actor).Include(f => f.UploadedBy).FirstOrDefaultAsync(f => f.Id == fileId, cancellationToken);

    /// <summary>Writes the file's bytes to <paramref name="destination"/> as they arrive from the database.</summary>
    public async Task CopyContentAsync(AttachedFile file, Stream destination, CancellationToken cancellationToken = default)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT content FROM file_contents WHERE file_id = @file_id", connection);
            command.Parameters.Add(new NpgsqlParameter<int>("file_id", file.Id));
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                await using var bytes = await reader.GetStreamAsync(0, cancellationToken);
                await bytes.CopyToAsync(destination, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task<CommandResult<AttachedFile>> UpdateAsync(UserAccess actor, int fileId, FileChanges changes, CancellationToken cancellationToken = default)
    {
        var (file, refusal) = await ItemRules.FindEditableAsync<AttachedFile>(db, actor, fileId, "File", cancellationToken);
        if (file is null)
        {
            return refusal!;
        }

        if (changes.Name is not null)
        {
            if (string.IsNullOrWhiteSpace(changes.Name))
            {
                return CommandError.Invalid("A file needs a name.");
            }

            file.FileName = FileNames.Sanitize(changes.Name);
        }

        if (changes.Description is not null)
        {
            var description = changes.Description.Trim();
            if (description.Length > AttachedFile.MaxDescriptionLength)
            {
                return CommandError.Invalid($"A file's description is at most {AttachedFile.MaxDescriptionLength} characters.");
            }

            file.Description = description.Length == 0 ? null : description;
        }

        file.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return file;
    }

    public Task<CommandResult<AttachedFile>> DeleteAsync(UserAccess actor, int fileId, CancellationToken cancellationToken = default) =>
        ItemRules.DeleteAsync<AttachedFile>(db, actor, fileId, "File", cancellationToken);

    /// <summary>A stream that cannot seek (a raw body) is counted into a temporary file, stopping as soon as it is too large.</summary>
    private async Task<Stream?> SpoolAsync(Stream content, CancellationToken cancellationToken)
    {
        var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (spool.Length + read > MaxBytes)
            {
                await spool.DisposeAsync();
                return null;
            }

            await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        spool.Position = 0;
        return spool;
    }
}
