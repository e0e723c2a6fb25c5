using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Deals;

public class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
