using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace DealToLead.Core.Data;

/// <summary>
/// Note and email HTML is sanitized when it is saved, whoever saves it, so that every view can show the stored HTML
/// as it is: sanitizing on each view cost seconds of CPU per view for hostile HTML.
/// </summary>
public sealed class StoredHtmlInterceptor : SaveChangesInterceptor
{
    public static readonly StoredHtmlInterceptor Instance = new();

    private StoredHtmlInterceptor()
    {
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Clean(eventData.Context);
        return base.SavingChangesAsync(eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Clean(eventData.Context);
        return base.SavingChanges(eventData, result);
    }

    private static void Clean(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<Note>())
        {
            if (Changed(entry, n => n.Content) && !HtmlCleaner.IsAlreadyClean(entry.Entity.Content))
            {
                entry.Entity.Content = HtmlCleaner.Clean(entry.Entity.Content);
            }
        }

        foreach (var entry in context.ChangeTracker.Entries<EmailMessage>())
        {
            if (Changed(entry, e => e.HtmlBody) && !HtmlCleaner.IsAlreadyClean(entry.Entity.HtmlBody))
            {
                EmlImport.SetHtmlBody(entry.Entity, entry.Entity.HtmlBody);
            }
        }
    }

    private static bool Changed<T>(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<T> entry, System.Linq.Expressions.Expression<Func<T, string?>> property)
        where T : class =>
        entry.State == EntityState.Added || (entry.State == EntityState.Modified && entry.Property(property).IsModified);
}
