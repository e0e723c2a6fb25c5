using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Infrastructure.Database;

/// <summary>
/// Sanitizes the note and email HTML stored before views stopped sanitizing on every view, once, in batches by id,
/// with the same rules as a new note or email (too deep or too long: kept as text).
/// </summary>
public static class StoredHtmlBackfill
{
    private const int BatchSize = 200;

    public static async Task<int> RunAsync(CrmDbContext db, CancellationToken cancellationToken = default)
    {
        var changed = 0;
        for (var after = 0; ;)
        {
            var notes = await db.Notes.IgnoreQueryFilters().Where(n => n.Id > after).OrderBy(n => n.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (notes.Count == 0)
            {
                break;
            }

            foreach (var note in notes)
            {
                var clean = HtmlCleaner.Clean(note.Content);
                if (clean != note.Content)
                {
                    note.Content = clean;
                    changed++;
                }
            }

            after = notes[^1].Id;
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        for (var after = 0; ;)
        {
            var emails = await db.Emails.IgnoreQueryFilters().Where(e => e.Id > after).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (emails.Count == 0)
            {
                break;
            }

            foreach (var email in emails.Where(e => !string.IsNullOrEmpty(e.HtmlBody)))
            {
                var before = email.HtmlBody;
                EmlImport.SetHtmlBody(email, before);
                changed += email.HtmlBody == before ? 0 : 1;
            }

            after = emails[^1].Id;
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        return changed;
    }
}
