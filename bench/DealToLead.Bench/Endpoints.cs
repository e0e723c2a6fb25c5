using System.Globalization;

namespace DealToLead.Bench;

/// <summary>
/// Every URL and field name the scenarios rely on, in one place. Pages built on other branches were written
/// against these contracts; adjust here when a merged page names something differently.
/// </summary>
public static class Endpoints
{
    public const string ApiTokenHeader = "x-api-token";

    public const string LoginPage = "/login";
    public const string LoginEmailField = "Input.Email";
    public const string LoginPasswordField = "Input.Password";
    public const string AntiforgeryField = "__RequestVerificationToken";

    public const string CurrentUser = "/api/v1/users/me";

    public const string ConvertDeal = "/api/v2/deals/{0}/convert/lead";
    public const string ConversionStatus = "/api/v2/deals/{0}/convert/status/{1}";
    public const string ConversionIdField = "conversion_id";
    public const string StatusField = "status";
    public const string CompletedStatus = "completed";

    public const string BulkConvert = "/api/v2/deals/convert/lead";
    public const string BulkIdsField = "ids";
    public const string BulkJobIdField = "job_id";
    public const string BulkJob = "/api/v2/conversion-jobs/{0}";
    public const string FailedStatus = "failed";

    public const string LeadsInbox = "/leads?source=Deal&sort=Created&p={0}";

    public const string LeadsSearch = "/leads?q={0}";

    public const string PipelineBoard = "/pipeline?pipelineId={0}";

    // Bound to DealListFilter (Status, OwnerId, MinValue) by the deal list page.
    public const string DealList = "/deals?Status=Open&OwnerId={0}&MinValue={1}";

    public static string Format(string template, params object[] values) => string.Format(CultureInfo.InvariantCulture, template, values);
}
