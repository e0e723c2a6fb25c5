using System.Text.Json;
using System.Text.Json.Serialization;
using DealToLead.Core.Crm;

namespace DealToLead.Web.Api;

/// <summary>
/// Offset paging as Pipedrive's v1 lists do it: <c>start</c> and <c>limit</c> in, <c>additional_data.pagination</c> out.
/// The v2 lists page with cursors instead (<see cref="KeysetSorts{T, TId}"/>).
/// </summary>
public sealed record Paging(int Start, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static bool TryCreate(int? start, int? limit, out Paging paging, out IResult? error)
    {
        paging = new Paging(start ?? 0, limit ?? DefaultLimit);
        error = null;
        if (paging.Start < 0)
        {
            error = ApiResults.BadRequest("start must be zero or more.");
        }
        else if (paging.Limit is < 1 or > MaxLimit)
        {
            error = ApiResults.BadRequest($"limit must be between 1 and {MaxLimit}.");
        }

        return error is null;
    }

    /// <summary>Takes one item more than asked, to know whether there is a next page without a count.</summary>
    /// <param name="nextCursor">Where a cursor-paged walk of the same list and sort goes on, for lists that offer one.</param>
    public IResult Page<T>(List<T> rowsPlusOne, string? nextCursor = null)
    {
        var more = rowsPlusOne.Count > Limit;
        var data = more ? rowsPlusOne.Take(Limit).ToList() : rowsPlusOne;
        var pagination = new PaginationInfo(Start, Limit, more, more ? Start + Limit : null);
        // Pipedrive's v1 puts it under "pagination" for some lists (notes) and flat in additional_data for others
        // (leads, fields, mail messages), and its SDK types each so: both are sent.
        return ApiResults.Ok(data, new V1Pagination(pagination, Start, Limit, more, pagination.NextStart, nextCursor));
    }

    /// <summary>A page of a list that is read whole (it is short): the same envelope as <see cref="Page{T}"/>.</summary>
    public IResult PageOf<T>(IReadOnlyList<T> all) => Page(all.Skip(Start).Take(Limit + 1).ToList());
}

[OmitNulls]
public sealed record V1Pagination(PaginationInfo Pagination, int Start, int Limit, bool MoreItemsInCollection, int? NextStart, string? NextCursor = null);

[OmitNulls]
public sealed record PaginationInfo(int Start, int Limit, bool MoreItemsInCollection, int? NextStart);

public static class CrmApiSupport
{
    /// <summary>Custom field values arrive as JSON strings, numbers or arrays (multiple options) and are stored as text.</summary>
    public static bool TryReadCustomFields(Dictionary<string, JsonElement>? input, out Dictionary<string, string> values, out string? error)
    {
        values = [];
        error = null;
        foreach (var (key, element) in input ?? [])
        {
            if (!TryReadCustomFieldValue(key, element, out var value, out error))
            {
                return false;
            }

            values[key] = value;
        }

        return true;
    }

    /// <summary>One custom field value as the text it is stored as; null clears it (an empty string).</summary>
    public static bool TryReadCustomFieldValue(string key, JsonElement element, out string value, out string? error)
    {
        error = null;
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                value = string.Empty;
                return true;
            case JsonValueKind.String:
                value = element.GetString() ?? string.Empty;
                return true;
            case JsonValueKind.Number when element.TryGetDecimal(out var number):
                value = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return true;
            case JsonValueKind.Number:
                // 1e29 is a valid JSON number but beyond .NET's decimal, which every custom field number goes through.
                value = string.Empty;
                error = $"Custom field '{key}' is a number outside the range that can be stored (at most 28 digits, ±7.9e28).";
                return false;
            case JsonValueKind.Array when element.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number):
                value = string.Join(',', element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()));
                return true;
            default:
                value = string.Empty;
                error = $"Custom field '{key}' must be a string, a number or an array of options.";
                return false;
        }
    }

    public static int VisibleTo(Visibility visibility) => visibility == Visibility.OwnerOnly ? 1 : 3;

    public static Visibility? ParseVisibleTo(int? visibleTo) => visibleTo switch
    {
        1 => Visibility.OwnerOnly,
        3 => Visibility.EntireCompany,
        _ => null,
    };
}
