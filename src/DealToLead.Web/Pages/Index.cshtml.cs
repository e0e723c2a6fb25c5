using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages;

public class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/pipeline");
}
