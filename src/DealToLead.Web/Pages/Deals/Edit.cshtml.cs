using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Deals;

public class EditModel(CrmDbContext db, CurrentUser currentUser, DealCommands commands, IStringLocalizer<DealsText> text) : PageModel
{
    [BindProperty]
    public DealFormInput Input { get; set; } = new();

    public DealFormChoices Choices { get; private set; } = null!;
    public Dictionary<string, string> CustomValues { get; private set; } = [];
    public string? Error { get; private set; }
    public int DealId { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id)
    {
        var access = await currentUser.RequireAccessAsync();
        var deal = await db.Deals.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id);
        if (deal is null || !access.CanSee(deal))
        {
            return NotFound();
        }

        if (!access.CanEdit(deal))
        {
            return Forbid();
        }

        DealId = id;
        Input = DealFormInput.From(deal);
        CustomValues = deal.CustomFields;
        Choices = await DealFormChoices.LoadAsync(db);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id)
    {
        var access = await currentUser.RequireAccessAsync();
        Choices = await DealFormChoices.LoadAsync(db);
        CustomValues = CustomFieldForm.Read(Request.Form, Choices.Fields);
        DealId = id;
        var result = ModelState.IsValid
            ? await commands.UpdateAsync(access, id, Input.ToChanges(CustomValues))
            : CommandError.Invalid(text["Check the values: {0}", string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage))]);
        return result.ToForm(this, error => Error = error, text["Deal saved."], _ => Redirect($"/deals/{id}"));
    }
}
