namespace DealToLead.Web.Api;

/// <summary>Pipedrive's envelope: <c>{"success": true, "data": …, "additional_data": …}</c> or <c>{"success": false, "error": …}</c>.</summary>
public static class ApiResults
{
    public static IResult Ok(object? data, object? additionalData = null) =>
        Results.Json(new ApiEnvelope(true, data, additionalData, null));

    public static IResult Created(object? data) =>
        Results.Json(new ApiEnvelope(true, data, null, null), statusCode: StatusCodes.Status201Created);

    public static IResult Error(int statusCode, string error) =>
        Results.Json(new ApiEnvelope(false, null, null, error, statusCode), statusCode: statusCode);

    public static IResult NotFound(string what = "Resource") => Error(StatusCodes.Status404NotFound, $"{what} not found.");

    public static IResult BadRequest(string error) => Error(StatusCodes.Status400BadRequest, error);

    /// <summary>Says where the body is wrong, never how .NET failed to read it (its messages name .NET types).</summary>
    public static IResult InvalidJson(System.Text.Json.JsonException exception) =>
        BadRequest(string.IsNullOrEmpty(exception.Path)
            ? "The request body is not valid JSON for this endpoint."
            : $"The request body is not valid JSON for this endpoint: the value at {exception.Path} has the wrong type or format.");

    public static IResult Forbidden(string error = "You do not have permission to do this.") => Error(StatusCodes.Status403Forbidden, error);
}

public sealed record ApiEnvelope(bool Success, object? Data, object? AdditionalData, string? Error, int? ErrorCode = null)
{
    /// <summary>Pipedrive's documentation and SDK spell it <c>errorCode</c>, its servers <c>error_code</c>: both are sent.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("errorCode")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ErrorCodeCamelCase => ErrorCode;
}
