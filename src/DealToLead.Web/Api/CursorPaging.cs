using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Api;

/// <summary>What every v2 list reads from the query string for paging and sorting, as Pipedrive's v2 names it.</summary>
public sealed record CursorQuery(
    int? Limit,
    string? Cursor,
    [property: FromQuery(Name = "sort_by")] string? SortBy,
    [property: FromQuery(Name = "sort_direction")] string? SortDirection);

/// <summary>
/// The sorts a v2 list offers, each a key paired with the row's id so the order is total, and the keyset paging
/// over them: <c>cursor</c> and <c>limit</c> in, <c>additional_data.next_cursor</c> out (ADR 0013).
/// </summary>
public sealed class KeysetSorts<T, TId>
    where T : class
    where TId : struct
{
    private readonly Expression<Func<T, TId>> _id;
    private readonly Dictionary<string, KeysetKey<T>> _keys = new(StringComparer.Ordinal);

    public KeysetSorts(Expression<Func<T, TId>> id)
    {
        _id = id;
        _keys["id"] = new KeysetKey<T, TId, TId>("id", id, id);
    }

    public KeysetSorts<T, TId> With<TKey>(string sortBy, Expression<Func<T, TKey>> key)
        where TKey : struct
    {
        _keys[sortBy] = new KeysetKey<T, TKey, TId>(sortBy, key, _id);
        return this;
    }

    public bool Offers(string sortBy) => _keys.ContainsKey(sortBy);

    /// <summary>Reads limit, cursor and sort; false with a 400 that says what is wrong.</summary>
    public bool TryRead(CursorQuery query, out KeysetPaging<T> paging, out IResult? error)
    {
        paging = null!;
        error = null;
        var limit = query.Limit ?? Paging.DefaultLimit;
        if (limit is < 1 or > Paging.MaxLimit)
        {
            error = ApiResults.BadRequest($"limit must be between 1 and {Paging.MaxLimit}.");
            return false;
        }

        if (!_keys.TryGetValue(string.IsNullOrEmpty(query.SortBy) ? "id" : query.SortBy, out var key))
        {
            error = ApiResults.BadRequest($"sort_by must be one of {string.Join(", ", _keys.Keys)}.");
            return false;
        }

        if (query.SortDirection is not (null or "" or "asc" or "desc"))
        {
            error = ApiResults.BadRequest("sort_direction must be asc or desc.");
            return false;
        }

        var descending = query.SortDirection == "desc";
        KeysetPosition? after = null;
        if (!string.IsNullOrEmpty(query.Cursor) && (after = KeysetCursor.Decode(query.Cursor, key, descending)) is null)
        {
            error = ApiResults.BadRequest("cursor is not a cursor of this list and sort: pass the next_cursor of the previous page unchanged, with the same sort_by and sort_direction.");
            return false;
        }

        paging = new KeysetPaging<T>(limit, key, descending, after);
        return true;
    }
}

/// <summary>One page request: reads <c>limit + 1</c> rows after the cursor's position, so a next page is known without a count.</summary>
public sealed record KeysetPaging<T>(int Limit, KeysetKey<T> Key, bool Descending, KeysetPosition? After)
    where T : class
{
    public async Task<KeysetPage<T>> ReadAsync(IQueryable<T> query, CancellationToken cancellationToken)
    {
        var rows = await Key.OrderAfter(query, Descending, After).Take(Limit + 1).ToListAsync(cancellationToken);
        if (rows.Count <= Limit)
        {
            return new KeysetPage<T>(rows, null);
        }

        rows.RemoveAt(Limit);
        return new KeysetPage<T>(rows, CursorAfter(rows[^1]));
    }

    public string CursorAfter(T row) => KeysetCursor.Encode(Key.PositionOf(row), Key, Descending);
}

public sealed record KeysetPage<T>(List<T> Items, string? NextCursor)
{
    public IResult Ok<TDto>(IEnumerable<TDto> data) => ApiResults.Ok(data.ToList(), new CursorAdditionalData(NextCursor));
}

/// <summary>Pipedrive's v2 <c>additional_data</c>: <c>next_cursor</c> is null on the last page.</summary>
public sealed record CursorAdditionalData([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>Where a page ended: the sort key's value and the id of the last row.</summary>
public sealed record KeysetPosition(object Key, object Id);

public abstract class KeysetKey<T>
    where T : class
{
    public abstract string SortBy { get; }

    public abstract IQueryable<T> OrderAfter(IQueryable<T> query, bool descending, KeysetPosition? after);

    public abstract KeysetPosition PositionOf(T row);

    public abstract bool TryReadKey(JsonElement element, out object key);

    public abstract JsonElement WriteKey(object key);

    public abstract bool TryReadId(JsonElement element, out object id);

    public abstract JsonElement WriteId(object id);
}

public sealed class KeysetKey<T, TKey, TId>(string sortBy, Expression<Func<T, TKey>> key, Expression<Func<T, TId>> id) : KeysetKey<T>
    where T : class
    where TKey : struct
    where TId : struct
{
    private readonly Func<T, TKey> _keyOf = key.Compile();
    private readonly Func<T, TId> _idOf = id.Compile();
    private readonly bool _isId = sortBy == "id";

    public override string SortBy => sortBy;

    public override IQueryable<T> OrderAfter(IQueryable<T> query, bool descending, KeysetPosition? after)
    {
        if (after is not null)
        {
            query = query.Where(AfterPosition((TKey)after.Key, (TId)after.Id, descending));
        }

        if (_isId)
        {
            return descending ? query.OrderByDescending(id) : query.OrderBy(id);
        }

        return descending ? query.OrderByDescending(key).ThenByDescending(id) : query.OrderBy(key).ThenBy(id);
    }

    /// <summary>
    /// A row value comparison, <c>(key, id) &gt; (@key, @id)</c>: PostgreSQL reads it as one range of a (key, id) index,
    /// which the equivalent <c>key &gt; @key OR (key = @key AND id &gt; @id)</c> is not.
    /// </summary>
    private Expression<Func<T, bool>> AfterPosition(TKey lastKey, TId lastId, bool descending)
    {
        var row = Expression.Parameter(typeof(T), "row");
        if (_isId)
        {
            // int and Guid both have the comparison operators, and PostgreSQL compares uuids as it indexes them.
            var rowId = new Rebind(new() { [id.Parameters[0]] = row }).Visit(id.Body);
            Expression<Func<TId>> last = () => lastId;
            return Expression.Lambda<Func<T, bool>>(descending ? Expression.LessThan(rowId, last.Body) : Expression.GreaterThan(rowId, last.Body), row);
        }

        Expression<Func<TKey, TId, bool>> after = descending
            ? (rowKey, rowId) => EF.Functions.LessThan(ValueTuple.Create(rowKey, rowId), ValueTuple.Create(lastKey, lastId))
            : (rowKey, rowId) => EF.Functions.GreaterThan(ValueTuple.Create(rowKey, rowId), ValueTuple.Create(lastKey, lastId));
        var body = new Rebind(new()
        {
            [after.Parameters[0]] = new Rebind(new() { [key.Parameters[0]] = row }).Visit(key.Body),
            [after.Parameters[1]] = new Rebind(new() { [id.Parameters[0]] = row }).Visit(id.Body),
        }).Visit(after.Body);
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    public override KeysetPosition PositionOf(T row) => new(_keyOf(row), _idOf(row));

    public override bool TryReadKey(JsonElement element, out object value) => TryRead<TKey>(element, out value);

    public override JsonElement WriteKey(object value) => JsonSerializer.SerializeToElement((TKey)value);

    public override bool TryReadId(JsonElement element, out object value) => TryRead<TId>(element, out value);

    public override JsonElement WriteId(object value) => JsonSerializer.SerializeToElement((TId)value);

    private static bool TryRead<TValue>(JsonElement element, out object value)
        where TValue : struct
    {
        value = default(TValue);
        try
        {
            var read = element.Deserialize<TValue>();
            // PostgreSQL stores timestamptz in UTC and Npgsql refuses any other offset.
            value = read is DateTimeOffset at ? at.ToUniversalTime() : read;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private sealed class Rebind(Dictionary<ParameterExpression, Expression> replacements) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            replacements.TryGetValue(node, out var replacement) ? replacement : node;
    }
}

/// <summary>
/// A cursor is base64url of a small JSON object: the sort, its direction, the last row's key value and id. It is
/// opaque to clients, not secret: a client who edits it only chooses another position in rows they may see anyway.
/// </summary>
public static class KeysetCursor
{
    private sealed record Payload(
        [property: JsonPropertyName("s")] string? SortBy,
        [property: JsonPropertyName("d")] string? Direction,
        [property: JsonPropertyName("k")] JsonElement Key,
        [property: JsonPropertyName("i")] JsonElement Id);

    private const int MaxLength = 512;

    public static string Encode<T>(KeysetPosition position, KeysetKey<T> key, bool descending)
        where T : class =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Payload(key.SortBy, descending ? "desc" : "asc", key.WriteKey(position.Key), key.WriteId(position.Id))));

    /// <summary>Null for anything that is not a cursor this sort wrote: garbage, another sort's, a key of the wrong type.</summary>
    public static KeysetPosition? Decode<T>(string cursor, KeysetKey<T> key, bool descending)
        where T : class
    {
        if (cursor.Length > MaxLength || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(cursor));
            if (payload is null || payload.SortBy != key.SortBy || payload.Direction != (descending ? "desc" : "asc")
                || !key.TryReadKey(payload.Key, out var value) || !key.TryReadId(payload.Id, out var id))
            {
                return null;
            }

            return new KeysetPosition(value, id);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>The v2 lists' filter parameters that need reading: <c>ids</c>, RFC 3339 times, <c>filter_id</c>.</summary>
public static class ListParameters
{
    public const int MaxIds = 100;

    public static bool TryReadIds(string? ids, out List<int>? values, out IResult? error)
    {
        values = null;
        error = null;
        if (string.IsNullOrEmpty(ids))
        {
            return true;
        }

        var parts = ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        values = [];
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                error = ApiResults.BadRequest("ids must be a comma-separated list of positive whole numbers.");
                return false;
            }

            values.Add(id);
        }

        if (values.Count is 0 or > MaxIds)
        {
            error = ApiResults.BadRequest($"ids must name between 1 and {MaxIds} ids.");
            return false;
        }

        return true;
    }

    public static bool TryReadTime(string name, string? text, out DateTimeOffset? value, out IResult? error)
    {
        value = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            error = ApiResults.BadRequest($"{name} must be a time in RFC 3339 format, e.g. 2025-01-01T10:20:00Z.");
            return false;
        }

        value = parsed.ToUniversalTime();
        return true;
    }

    public const int MaxCustomFieldKeys = 15;

    /// <summary><c>custom_fields</c>: the keys of the custom fields to return (at most 15, as Pipedrive allows); null for all.</summary>
    public static bool TryReadCustomFieldKeys(string? text, out HashSet<string>? keys, out IResult? error)
    {
        error = null;
        keys = string.IsNullOrEmpty(text) ? null : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (keys?.Count > MaxCustomFieldKeys)
        {
            error = ApiResults.BadRequest($"custom_fields may name at most {MaxCustomFieldKeys} keys.");
            return false;
        }

        return true;
    }

    public static Dictionary<string, TValue> Only<TValue>(this Dictionary<string, TValue> customFields, HashSet<string>? keys) =>
        keys is null ? customFields : customFields.Where(f => keys.Contains(f.Key)).ToDictionary();

    /// <summary>DealToLead has no saved filters, so every <c>filter_id</c> names one that does not exist.</summary>
    public static IResult? RefuseFilterId(int? filterId) =>
        filterId is null ? null : ApiResults.Error(StatusCodes.Status404NotFound, $"Filter {filterId} not found: DealToLead has no saved filters; use the list's own parameters.");
}
