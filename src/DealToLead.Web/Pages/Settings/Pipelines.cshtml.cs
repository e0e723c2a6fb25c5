using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Settings;

[Authorize(Policy = Policies.GlobalAdmin)]
public class PipelinesModel(CrmDbContext db, CurrentUser currentUser, PipelineAdministration administration, IStringLocalizer<SettingsText> text) : PageModel
{
    public List<Core.Crm.Pipeline> Pipelines { get; private set; } = [];

    /// <summary>Deals per stage, deleted ones included: they are what blocks a delete.</summary>
    public Dictionary<int, int> DealsByStage { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr))
            .OrderBy(p => p.OrderNr).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        DealsByStage = await db.Deals.IgnoreQueryFilters().GroupBy(d => d.StageId)
            .Select(g => new { StageId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.StageId, g => g.Count, cancellationToken);
    }

    public int DealsIn(Core.Crm.Pipeline pipeline) => pipeline.Stages.Sum(s => DealsByStage.GetValueOrDefault(s.Id));

    public async Task<IActionResult> OnPostCreatePipelineAsync(string? name, CancellationToken cancellationToken) =>
        Outcome(await administration.CreatePipelineAsync(await currentUser.RequireAccessAsync(cancellationToken), name, cancellationToken: cancellationToken),
            text["Pipeline “{0}” added with the default stages.", name?.Trim() ?? string.Empty]);

    public async Task<IActionResult> OnPostRenamePipelineAsync(int pipelineId, string? name, CancellationToken cancellationToken) =>
        Outcome(await administration.UpdatePipelineAsync(await currentUser.RequireAccessAsync(cancellationToken), pipelineId, name: name ?? string.Empty, cancellationToken: cancellationToken),
            text["Pipeline renamed."]);

    public async Task<IActionResult> OnPostMakeDefaultAsync(int pipelineId, CancellationToken cancellationToken) =>
        Outcome(await administration.UpdatePipelineAsync(await currentUser.RequireAccessAsync(cancellationToken), pipelineId, isDefault: true, cancellationToken: cancellationToken),
            text["Default pipeline changed."]);

    public async Task<IActionResult> OnPostMovePipelineAsync(int pipelineId, string? direction, CancellationToken cancellationToken) =>
        Outcome(await administration.MovePipelineAsync(await currentUser.RequireAccessAsync(cancellationToken), pipelineId, direction == "up" ? -1 : 1, cancellationToken),
            text["Pipeline moved."]);

    public async Task<IActionResult> OnPostDeletePipelineAsync(int pipelineId, CancellationToken cancellationToken) =>
        Outcome(await administration.DeletePipelineAsync(await currentUser.RequireAccessAsync(cancellationToken), pipelineId, cancellationToken),
            text["Pipeline deleted."]);

    public async Task<IActionResult> OnPostAddStageAsync(int pipelineId, string? name, int? dealProbability, CancellationToken cancellationToken) =>
        Outcome(await administration.CreateStageAsync(await currentUser.RequireAccessAsync(cancellationToken), pipelineId, name, dealProbability: dealProbability, cancellationToken: cancellationToken),
            text["Stage “{0}” added.", name?.Trim() ?? string.Empty]);

    public async Task<IActionResult> OnPostUpdateStageAsync(int stageId, string? name, int? dealProbability, CancellationToken cancellationToken) =>
        Outcome(await administration.UpdateStageAsync(await currentUser.RequireAccessAsync(cancellationToken), stageId, name ?? string.Empty, dealProbability: dealProbability, cancellationToken: cancellationToken),
            text["Stage saved."]);

    public async Task<IActionResult> OnPostMoveStageAsync(int stageId, string? direction, CancellationToken cancellationToken) =>
        Outcome(await administration.MoveStageAsync(await currentUser.RequireAccessAsync(cancellationToken), stageId, direction == "up" ? -1 : 1, cancellationToken),
            text["Stage moved."]);

    public async Task<IActionResult> OnPostDeleteStageAsync(int stageId, CancellationToken cancellationToken) =>
        Outcome(await administration.DeleteStageAsync(await currentUser.RequireAccessAsync(cancellationToken), stageId, cancellationToken),
            text["Stage deleted."]);

    private IActionResult Outcome(PipelineChangeResult result, string success)
    {
        if (result.Status == PipelineChangeStatus.NotFound)
        {
            return NotFound();
        }

        TempData[result.Succeeded ? "Flash" : "FlashError"] = result.Succeeded ? success : result.Error;
        return RedirectToPage();
    }
}
