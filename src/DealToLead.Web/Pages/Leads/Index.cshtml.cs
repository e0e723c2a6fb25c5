using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Leads;

public class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
