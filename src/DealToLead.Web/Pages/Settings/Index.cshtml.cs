using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Settings;

public class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
