using DealToLead.Core.Common;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>A note to add or a change to one: a null property means "leave as is".</summary>
public sealed record NoteChanges
{
    public string? Content { get; init; }
    public ItemParent? Parent { get; init; }
    public int? PersonId { get; init; }
    public int? OrganizationId { get; init; }
}

/// <summary>Notes on deals, leads, persons and organizations, from the pages and the API; see <see cref="RecordAccess"/>.</summary>
public sealed class NoteCommands(CrmDbContext db, TimeProvider clock, WebhookEvents webhooks)
{
    public Task<CommandResult<Note>> AddAsync(UserAccess actor, NoteChanges input, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Note, ct => AddInUnitAsync(actor, input, ct), cancellationToken);

    private async Task<CommandResult<Note>> AddInUnitAsync(UserAccess actor, NoteChanges input, CancellationToken cancellationToken)
    {
        var parent = input.Parent ?? default;
        if (parent == default && input.PersonId is null && input.OrganizationId is null)
        {
            return CommandError.Invalid("A note needs a deal, a lead, a person or an organization.");
        }

        if ((ItemRules.RefuseBoth(parent) ?? await RecordAccess.CheckParentAsync(db, actor, parent, toEdit: true, cancellationToken)) is { } refusal)
        {
            return refusal;
        }

        if (HtmlCleaner.NoteRefusal(input.Content) is { } tooComplex)
        {
            return CommandError.Invalid($"The note was not added. {tooComplex}");
        }

        var content = HtmlCleaner.Clean(input.Content);
        if (string.IsNullOrWhiteSpace(content))
        {
            return CommandError.Invalid("A note cannot be empty.");
        }

        if (await ItemRules.CheckAsync(db, input.PersonId, input.OrganizationId, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var contacts = input.PersonId is null && input.OrganizationId is null ? await ItemRules.OfParentAsync(db, parent, cancellationToken) : (input.PersonId, input.OrganizationId);
        var note = new Note
        {
            Content = content,
            AuthorId = actor.UserId,
            DealId = parent.DealId,
            LeadId = parent.LeadId,
            PersonId = contacts.Item1,
            OrganizationId = contacts.Item2,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Notes.Add(note);
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordCreateAsync(actor.UserId, note, cancellationToken);
        return note;
    }

    public Task<CommandResult<Note>> UpdateAsync(UserAccess actor, int noteId, NoteChanges changes, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Note, ct => UpdateInUnitAsync(actor, noteId, changes, ct), cancellationToken);

    private async Task<CommandResult<Note>> UpdateInUnitAsync(UserAccess actor, int noteId, NoteChanges changes, CancellationToken cancellationToken)
    {
        var (note, refusal) = await ItemRules.FindEditableAsync<Note>(db, actor, noteId, "Note", cancellationToken);
        if (note is null)
        {
            return refusal!;
        }

        var before = await webhooks.BeforeChangeAsync(note, cancellationToken);

        if (HtmlCleaner.NoteRefusal(changes.Content) is { } tooComplex)
        {
            return CommandError.Invalid($"The note was not saved. {tooComplex}");
        }

        if (changes.Content is not null)
        {
            var content = HtmlCleaner.Clean(changes.Content);
            if (string.IsNullOrWhiteSpace(content))
            {
                return CommandError.Invalid("A note cannot be empty.");
            }

            note.Content = content;
        }

        if (changes.Parent is { } parent && parent != ItemParent.Of(note))
        {
            if (await ItemRules.RefuseMoveAsync(db, actor, ItemParent.Of(note), parent, cancellationToken) is { } moveRefusal)
            {
                return moveRefusal;
            }

            (note.DealId, note.LeadId, note.MovedFromDealId) = (parent.DealId, parent.LeadId, null);
        }

        if (await ItemRules.CheckAsync(db, changes.PersonId, changes.OrganizationId, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        note.PersonId = changes.PersonId ?? note.PersonId;
        note.OrganizationId = changes.OrganizationId ?? note.OrganizationId;
        await db.SaveChangesAsync(cancellationToken);
        await webhooks.RecordChangeAsync(actor.UserId, note, before, cancellationToken);
        return note;
    }

    public Task<CommandResult<Note>> DeleteAsync(UserAccess actor, int noteId, CancellationToken cancellationToken = default) =>
        webhooks.InUnitAsync(WebhookNames.Note, async ct =>
        {
            var deleted = await ItemRules.DeleteAsync<Note>(db, actor, noteId, "Note", ct);
            if (deleted.Value is { } note)
            {
                await webhooks.RecordDeleteAsync(actor.UserId, note, ct);
            }

            return deleted;
        }, cancellationToken);

}
