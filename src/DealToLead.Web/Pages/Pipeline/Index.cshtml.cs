using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Pipeline;

public class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
