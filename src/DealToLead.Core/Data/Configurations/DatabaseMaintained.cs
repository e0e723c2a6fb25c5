using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DealToLead.Core.Data.Configurations;

internal static class DatabaseMaintained
{
    /// <summary>
    /// A column only a trigger writes (the search text): EF never sends it in an INSERT or UPDATE, and never reads it
    /// back after saving either, so saves cost what they did before; queries may still filter on it.
    /// </summary>
    public static PropertyBuilder<string?> IsDatabaseMaintained(this PropertyBuilder<string?> property)
    {
        property.Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        property.Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        return property;
    }
}
