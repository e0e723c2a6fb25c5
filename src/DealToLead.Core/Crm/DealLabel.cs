using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Crm;

/// <summary>
/// A name a deal can carry as a label. Deals keep the names (the list, the filter and the history read them);
/// the catalogue numbers each name once, which is what Pipedrive's <c>label_ids</c> and the options of its
/// <c>label</c> deal field are.
/// </summary>
public class DealLabel
{
    public const int MaxNameLength = 100;

    public int Id { get; set; }
    public required string Name { get; set; }

    public static IQueryable<DealLabel> AllById(CrmDbContext db) => db.DealLabels.AsNoTracking().OrderBy(l => l.Id);

    /// <summary>Numbers the names that have no number yet; safe against a concurrent insert of the same name.</summary>
    public static Task EnsureAsync(CrmDbContext db, IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        names.Count == 0
            ? Task.CompletedTask
            : db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO deal_labels (name) SELECT DISTINCT unnest({names.ToArray()}) ON CONFLICT (name) DO NOTHING", cancellationToken);
}
