using DealToLead.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Core.Leads;

/// <summary>Label rules shared by the settings page and the API.</summary>
public static class LeadLabelRules
{
    public static async Task<(string? Name, string? Error)> ValidateNameAsync(CrmDbContext db, string? name, Guid? exceptId, CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > 100)
        {
            return (null, "A label needs a name of at most 100 characters.");
        }

        var taken = await db.LeadLabels.AnyAsync(l => l.Name == trimmed && l.Id != exceptId, cancellationToken);
        return taken ? (null, $"There is already a label named \"{trimmed}\".") : (trimmed, null);
    }

    /// <summary>Deletes the label and takes it off every lead in the same statement set.</summary>
    public static async Task<bool> DeleteAsync(CrmDbContext db, ReferenceDataCache cache, Guid labelId, CancellationToken cancellationToken)
    {
        var deleted = await db.LeadLabels.Where(l => l.Id == labelId).ExecuteDeleteAsync(cancellationToken);
        cache.Invalidate();
        if (deleted > 0)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE leads SET label_ids = array_remove(label_ids, {labelId}) WHERE label_ids @> ARRAY[{labelId}]", cancellationToken);
        }

        return deleted > 0;
    }
}
