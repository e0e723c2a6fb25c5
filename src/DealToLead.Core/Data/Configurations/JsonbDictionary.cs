using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal static class JsonbDictionary
{
    private static readonly ValueComparer<Dictionary<string, string>> Comparer = new(
        (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
        d => d.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
        d => new Dictionary<string, string>(d));

    /// <summary>Custom field values: one jsonb object per row, keyed by the field's stable key.</summary>
    public static PropertyBuilder<Dictionary<string, string>> IsJsonbDictionary(this PropertyBuilder<Dictionary<string, string>> property) =>
        property
            .HasColumnType("jsonb")
            .HasConversion(
                d => JsonSerializer.Serialize(d, (JsonSerializerOptions?)null),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(),
                Comparer)
            .HasDefaultValueSql("'{}'::jsonb");
}
