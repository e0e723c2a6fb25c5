using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public class ErrorModel(IStringLocalizer<Shared.SharedText> text) : PageModel
{
    public string Heading { get; private set; } = string.Empty;
    public string Message { get; private set; } = string.Empty;

    public void OnGet(int? statusCode) => Describe(statusCode);

    public void OnPost(int? statusCode) => Describe(statusCode);

    private void Describe(int? statusCode)
    {
        (Heading, Message) = statusCode switch
        {
            403 => (text["Not allowed"], text["You do not have permission to do this. Ask an admin to change your permission set if you need it."]),
            404 => (text["Not found"], text["This page does not exist, or you cannot see it."]),
            400 => (text["Bad request"], text["The request was not valid. Reload the page and try again."]),
            _ => (text["Something went wrong"], text["The error has been logged."]),
        };
    }
}
