using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DealToLead.Web.Pages.Deals;

public class ConvertModel : PageModel
{
    public void OnGet(int id)
    {
    }
}
