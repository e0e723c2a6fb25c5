using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public class ErrorModel : PageModel
{
    public string Heading { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "The error has been logged.";

    public void OnGet(int? statusCode) => Describe(statusCode);

    public void OnPost(int? statusCode) => Describe(statusCode);

    private void Describe(int? statusCode)
    {
        (Heading, Message) = statusCode switch
        {
            403 => ("Not allowed", "You do not have permission to do this. Ask an admin to change your permission set if you need it."),
            404 => ("Not found", "This page does not exist, or you cannot see it."),
            400 => ("Bad request", "The request was not valid. Reload the page and try again."),
            _ => (Heading, Message),
        };
    }
}
