using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using DealToLead.Web.Pages.Crm;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Deals;

public class NewModel(CrmDbContext db, CurrentUser currentUser, DealCommands commands, IStringLocalizer<DealsText> text) : PageModel
{
    [BindProperty]
    public DealFormInput Input { get; set; } = new();

    public DealFormChoices Choices { get; private set; } = null!;
    public Dictionary<string, string> CustomValues { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary><paramref name="personId"/> and <paramref name="organizationId"/> preselect a contact, e.g. one just created from this form.</summary>
    public async Task OnGetAsync(int? pipelineId, int? personId, int? organizationId)
    {
        var access = await currentUser.RequireAccessAsync();
        Choices = await DealFormChoices.LoadAsync(db);
        var pipeline = Choices.Pipelines.FirstOrDefault(p => p.Id == pipelineId) ?? Choices.Pipelines.FirstOrDefault();
        Input = new DealFormInput
        {
            OwnerId = access.UserId,
            StageId = pipeline?.Stages.FirstOrDefault()?.Id ?? 0,
            PersonId = Choices.Persons.Any(p => p.Id == personId) ? personId : null,
            OrganizationId = Choices.Organizations.Any(o => o.Id == organizationId) ? organizationId : null,
            Visibility = await CompanySettings.DefaultVisibilityAsync(db, HttpContext.RequestAborted),
        };
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var access = await currentUser.RequireAccessAsync();
        Choices = await DealFormChoices.LoadAsync(db);
        CustomValues = CustomFieldForm.Read(Request.Form, Choices.Fields);
        var changes = Input.ToChanges(CustomValues.Where(v => v.Value.Length > 0).ToDictionary());
        var result = ModelState.IsValid
            ? await commands.CreateAsync(access, changes)
            : CommandError.Invalid(text["Check the values: {0}", string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage))]);
        return result.ToForm(this, error => Error = error, text["Deal created."], deal => Redirect($"/deals/{deal.Id}"));
    }
}
