using DealToLead.Core.Common;
using DealToLead.Core.Conversions;
using DealToLead.Web.Api;
using DealToLead.Web.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web;

/// <summary>
/// The two translators of a command's result: into the API's envelope (the status code of the error kind), and into
/// a page response (not found, forbidden, or a flash message and the page's next step).
/// </summary>
public static class CommandResults
{
    public static IResult ToApiError(this CommandError error) => ApiResults.Error(error.Status switch
    {
        CommandStatus.NotFound => StatusCodes.Status404NotFound,
        CommandStatus.Forbidden => StatusCodes.Status403Forbidden,
        CommandStatus.Conflict => StatusCodes.Status409Conflict,
        CommandStatus.TooLarge => StatusCodes.Status413PayloadTooLarge,
        _ => StatusCodes.Status400BadRequest,
    }, error.Message);

    public static IResult ToApi<T>(this CommandResult<T> result, Func<T, object?> data, int successStatus = StatusCodes.Status200OK) =>
        result.Error is { } error ? error.ToApiError()
        : successStatus == StatusCodes.Status201Created ? ApiResults.Created(data(result.Value!))
        : ApiResults.Ok(data(result.Value!));

    public static async Task<IResult> ToApiAsync<T>(this CommandResult<T> result, Func<T, Task<object?>> data, int successStatus = StatusCodes.Status200OK) =>
        result.Error is { } error ? error.ToApiError()
        : successStatus == StatusCodes.Status201Created ? ApiResults.Created(await data(result.Value!))
        : ApiResults.Ok(await data(result.Value!));

    /// <summary>Not found and forbidden answer as such; otherwise the outcome goes into the flash region and the page moves on.</summary>
    public static IActionResult ToPage<T>(this CommandResult<T> result, PageModel page, string success, Func<T?, IActionResult> next) =>
        result.Error is { } error ? error.ToPage(page, () => next(default)) : Flash(page, success, () => next(result.Value));

    public static IActionResult ToPage<T>(this CommandResult<T> result, PageModel page, string success, Func<IActionResult> next) =>
        result.ToPage(page, success, _ => next());

    public static IActionResult ToPage(this CommandError error, PageModel page, Func<IActionResult> next)
    {
        switch (error.Status)
        {
            case CommandStatus.NotFound:
                return page.NotFound();
            case CommandStatus.Forbidden:
                return page.Forbid();
            default:
                page.TempData["FlashError"] = Localized(page, error.Message);
                return next();
        }
    }

    /// <summary>For a form page: a refusal the user can fix is shown on the form again, which keeps what they typed.</summary>
    public static IActionResult ToForm<T>(this CommandResult<T> result, PageModel page, Action<string> showError, string success, Func<T, IActionResult> next)
    {
        if (result.Error is { Status: CommandStatus.NotFound or CommandStatus.Forbidden } refusal)
        {
            return refusal.ToPage(page, page.Page);
        }

        if (result.Error is { } error)
        {
            showError(Localized(page, error.Message));
            return page.Page();
        }

        return Flash(page, success, () => next(result.Value!));
    }

    /// <summary>For a page's own script (the board's drag and drop): the outcome as JSON instead of a redirect.</summary>
    public static IActionResult ToJson<T>(this CommandResult<T> result, string success) => result.Error switch
    {
        null => new JsonResult(new { ok = true, message = success }),
        { Status: CommandStatus.NotFound } => new NotFoundResult(),
        { Status: CommandStatus.Forbidden } => new StatusCodeResult(StatusCodes.Status403Forbidden),
        { } error => new JsonResult(new { ok = false, error = error.Message })
        {
            StatusCode = error.Status == CommandStatus.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest,
        },
    };

    /// <summary>The domain speaks English; a page shows its message in the user's language where a resource has it.</summary>
    private static string Localized(PageModel page, string message) =>
        page.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<Pages.Shared.SharedText>>().Message(message);

    private static IActionResult Flash(PageModel page, string message, Func<IActionResult> next)
    {
        page.TempData["Flash"] = message;
        return next();
    }

    /// <summary>A refused conversion, in the same terms as any other command's refusal.</summary>
    public static CommandError? ToCommandError(this ConversionOutcome? outcome, string subject) => outcome switch
    {
        null => CommandError.NotFound(subject),
        { Succeeded: true } => null,
        { Rejection: ConversionRejection.NoPermission or ConversionRejection.NotEditable } => CommandError.Forbidden(outcome.Reason!),
        { Rejection: ConversionRejection.InvalidStage } => CommandError.Invalid(outcome.Reason!),
        _ => CommandError.Conflict(outcome.Reason ?? "The conversion could not be done."),
    };
}
