using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using DealToLead.Web.Api;

namespace DealToLead.Web;

/// <summary>
/// Refuses, before anything reads the request, text PostgreSQL cannot store: NUL characters, lone surrogates and
/// invalid UTF-8, in route values, the query string, form fields and JSON bodies (issue #17 §1). One check at the
/// boundary instead of one per field; the answer names the field. Runs before authentication, because the API token
/// in the query string is looked up in the database too.
/// </summary>
public sealed class StorableInput(RequestDelegate next)
{
    // A JSON body is scanned in memory; larger ones are refused rather than let through unchecked.
    public const int MaxJsonBodyBytes = 8 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var problem = CheckRoute(context.Request) ?? CheckQuery(context.Request) ?? await CheckBodyAsync(context.Request, context.RequestAborted);
        if (problem is null)
        {
            await next(context);
            return;
        }

        await RefuseAsync(context, problem.Value.Status, problem.Value.Message);
    }

    /// <summary>Why <paramref name="text"/> cannot be stored, or null when it can.</summary>
    public static string? Unstorable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return "contains a NUL character";
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "contains an unpaired surrogate (not valid Unicode)";
            }
        }

        return null;
    }

    private static (int Status, string Message)? Refusal(string field, string? why) =>
        why is null ? null : (StatusCodes.Status400BadRequest, $"{field} {why}, which cannot be stored.");

    private static (int Status, string Message)? CheckRoute(HttpRequest request)
    {
        foreach (var (name, value) in request.RouteValues)
        {
            if (Refusal($"Route value '{name}'", Unstorable(value as string)) is { } refusal)
            {
                return refusal;
            }
        }

        return Refusal("The path", Unstorable(request.Path.Value));
    }

    private static (int Status, string Message)? CheckQuery(HttpRequest request)
    {
        foreach (var (name, values) in request.Query)
        {
            var field = $"Query parameter '{Printable(name)}'";
            if (Refusal(field, Unstorable(name)) is { } badName)
            {
                return badName;
            }

            foreach (var value in values)
            {
                if (Refusal(field, Unstorable(value)) is { } refusal)
                {
                    return refusal;
                }
            }
        }

        return null;
    }

    private static async Task<(int Status, string Message)?> CheckBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var urlEncoded = request.ContentType!.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
            if (urlEncoded)
            {
                request.EnableBuffering();
            }

            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                // ASP.NET Core refuses a form with a NUL ("The form value contains invalid characters.") without naming
                // the field; the raw body says which.
                return (urlEncoded ? await FindNulFieldAsync(request, cancellationToken) : null)
                    ?? (StatusCodes.Status400BadRequest, $"The form could not be read: {e.Message}");
            }

            foreach (var (name, values) in form)
            {
                var field = $"Form field '{Printable(name)}'";
                if (Refusal(field, Unstorable(name)) is { } badName)
                {
                    return badName;
                }

                foreach (var value in values)
                {
                    if (Refusal(field, Unstorable(value)) is { } refusal)
                    {
                        return refusal;
                    }
                }
            }

            return null;
        }

        return IsJson(request.ContentType) ? await CheckJsonAsync(request, cancellationToken) : null;
    }

    private static async Task<(int Status, string Message)?> FindNulFieldAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var body = await reader.ReadToEndAsync(cancellationToken);
        foreach (var pair in body.Split('&'))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0].Replace('+', ' '));
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
            if (Refusal($"Form field '{Printable(name)}'", Unstorable(name) ?? Unstorable(value)) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null
        && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Split(';')[0].EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static async Task<(int Status, string Message)?> CheckJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxJsonBodyBytes)
        {
            return TooLarge();
        }

        request.EnableBuffering();
        var buffer = new ArrayBufferWriter<byte>();
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(64 * 1024), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxJsonBodyBytes)
            {
                return TooLarge();
            }
        }

        request.Body.Position = 0;
        return Scan(buffer.WrittenSpan);
    }

    private static (int Status, string Message) TooLarge() =>
        (StatusCodes.Status413PayloadTooLarge, $"The JSON body is larger than {MaxJsonBodyBytes / (1024 * 1024)} MB.");

    /// <summary>Walks the document once, keeping the path to each string so that a refusal can name it.</summary>
    internal static (int Status, string Message)? Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip });
        var path = new List<PathPart>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Count(path);
                        path.Add(new PathPart(reader.TokenType == JsonTokenType.StartArray, null, -1));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString();
                        path[^1] = path[^1] with { Name = name };
                        if (Unstorable(name) is { } badName)
                        {
                            return Refusal($"Property name '{Printable(name!)}'", badName);
                        }

                        break;
                    case JsonTokenType.String:
                        Count(path);
                        if (Unstorable(reader.GetString()) is { } why)
                        {
                            return Refusal($"Field '{Describe(path)}'", why);
                        }

                        break;
                    default:
                        Count(path);
                        break;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // GetString refuses invalid UTF-8 and an escaped lone surrogate ("\ud800").
            var where = reader.TokenType == JsonTokenType.PropertyName ? "A property name" : $"Field '{Describe(path)}'";
            return Refusal(where, Utf8.IsValid(reader.ValueSpan) ? "contains an unpaired surrogate (not valid Unicode)" : "contains invalid UTF-8");
        }
        catch (JsonException)
        {
            // Not JSON: the endpoint says so in its own words, unless the bytes are not even UTF-8.
            if (!Utf8.IsValid(json))
            {
                return (StatusCodes.Status400BadRequest, "The request body is not valid UTF-8.");
            }
        }

        return null;
    }

    private readonly record struct PathPart(bool IsArray, string? Name, int Index);

    private static void Count(List<PathPart> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string Describe(List<PathPart> path)
    {
        var text = new StringBuilder();
        foreach (var part in path)
        {
            if (part.IsArray)
            {
                text.Append('[').Append(Math.Max(part.Index, 0)).Append(']');
            }
            else if (part.Name is not null)
            {
                text.Append(text.Length > 0 ? "." : string.Empty).Append(Printable(part.Name));
            }
        }

        return text.Length == 0 ? "(body)" : text.ToString();
    }

    // A refused name is echoed; what made it unstorable is shown escaped.
    private static string Printable(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 100 ? text[..100] : text)
        {
            shown.Append(c == '\0' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return shown.ToString();
    }

    private static async Task RefuseAsync(HttpContext context, int status, string message)
    {
        if (WebSetup.IsApiRequest(context.Request))
        {
            await ApiResults.Error(status, message).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            "<!doctype html><html lang=\"en\"><head><title>DealToLead</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>"
            + $"<body><main class=\"error-page\"><h1>Invalid input</h1><p>{WebUtility.HtmlEncode(message)}</p><p><a href=\"/\">Back to DealToLead</a></p></main></body></html>");
    }
}
