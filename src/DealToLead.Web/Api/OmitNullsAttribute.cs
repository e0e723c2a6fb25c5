using System.Text.Json.Serialization.Metadata;

namespace DealToLead.Web.Api;

/// <summary>
/// Leaves out the properties of this type that are null. Pipedrive's v2 types mark most fields optional but not
/// nullable (<c>org_id?: number</c>): a client typed on them accepts a missing field and not a null one.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OmitNullsAttribute : Attribute
{
    public static void Apply(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || !typeInfo.Type.IsDefined(typeof(OmitNullsAttribute), inherit: false))
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            property.ShouldSerialize = static (_, value) => value is not null;
        }
    }
}
