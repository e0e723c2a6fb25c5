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

    public static IResult Forbidden(string error = "You do not have permission to do this.") => Error(StatusCodes.Status403Forbidden, error);
}

public sealed record ApiEnvelope(bool Success, object? Data, object? AdditionalData, string? Error, int? ErrorCode = null);
