using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Pages.Pipeline;

public class IndexModel(ReadContext reads, CurrentUser currentUser, DealCommands commands, TimeProvider clock, IStringLocalizer<PipelineText> text) : PageModel
{
    // Rendering every card of a 2,000-deal pipeline took 180 ms; a column shows its oldest deals and "Show all".
    public const int CardsPerStage = 50;

    /// <summary>The stage whose every card is shown (its "Show all" link).</summary>
    [BindProperty(SupportsGet = true)]
    public int? AllOf { get; set; }

    public UserAccess Access { get; private set; } = null!;
    public List<Core.Crm.Pipeline> Pipelines { get; private set; } = [];
    public Core.Crm.Pipeline? Current { get; private set; }
    // Cards and totals grouped once per stage, so the view does no per-column LINQ.
    private Dictionary<int, StageColumn> _columns = [];

    public StageColumn ColumnOf(int stageId) => _columns.GetValueOrDefault(stageId) ?? StageColumn.Empty;

    public sealed record StageTotal(int StageId, string Currency, int Count, decimal Value);

    public sealed record StageColumn(List<BoardCard> Cards, int DealCount, string TotalText)
    {
        public static readonly StageColumn Empty = new([], 0, "0");
    }

    public sealed record BoardCard(int Id, string Title, decimal Value, string Currency, int StageId, string? PersonName, string? OrganizationName,
        string OwnerName, bool CanEdit, string? NextActivity, DateOnly? NextActivityDue);

    public async Task<IActionResult> OnGetAsync(int? pipelineId)
    {
        Access = await currentUser.RequireAccessAsync();
        // Reads that tolerate a replica (docs/decisions/0020); writes keep the request's primary context.
        var db = await reads.ContextAsync(HttpContext.RequestAborted);
        Pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr))
            .OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ToListAsync();
        Current = Pipelines.FirstOrDefault(p => p.Id == pipelineId) ?? Pipelines.FirstOrDefault();
        if (Current is null)
        {
            return Page();
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var open = db.Deals.AsNoTracking().VisibleTo(Access).Where(d => d.PipelineId == Current.Id && d.Status == DealStatus.Open);
        var totals = await open.GroupBy(d => new { d.StageId, d.ValueCurrency })
            .Select(g => new StageTotal(g.Key.StageId, g.Key.ValueCurrency, g.Count(), g.Sum(d => d.ValueAmount)))
            .ToListAsync();
        var allOf = AllOf;
        var shown = db.Stages.Where(s => s.PipelineId == Current.Id && s.Id != allOf)
            .SelectMany(s => open.Where(d => d.StageId == s.Id).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Take(CardsPerStage));
        if (allOf is not null)
        {
            shown = shown.Concat(open.Where(d => d.StageId == allOf));
        }

        // Scalar subqueries, not joins: as joins, PostgreSQL numbered every upcoming activity of the database (110 ms at
        // 180,000 activities) and hashed all persons and organizations; per shown card they are a few index lookups.
        var upcoming = db.Activities.Where(a => !a.Done && a.DueDate >= today).OrderBy(a => a.DueDate).ThenBy(a => a.DueTime);
        var rows = await shown
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .Select(d => new
            {
                d.Id,
                d.Title,
                d.ValueAmount,
                d.ValueCurrency,
                d.StageId,
                d.OwnerId,
                d.Visibility,
                PersonName = db.Persons.Where(p => p.Id == d.PersonId).Select(p => p.Name).FirstOrDefault(),
                OrganizationName = db.Organizations.Where(o => o.Id == d.OrganizationId).Select(o => o.Name).FirstOrDefault(),
                OwnerName = d.Owner!.DisplayName,
                NextActivity = upcoming.Where(a => a.DealId == d.Id).Select(a => a.Subject).FirstOrDefault(),
                NextActivityDue = upcoming.Where(a => a.DealId == d.Id).Select(a => (DateOnly?)a.DueDate).FirstOrDefault(),
            })
            .ToListAsync();
        var cards = rows.Select(r => new BoardCard(r.Id, r.Title, r.ValueAmount, r.ValueCurrency, r.StageId, r.PersonName, r.OrganizationName, r.OwnerName,
            Access.CanEdit(new Deal { Title = r.Title, OwnerId = r.OwnerId, Visibility = r.Visibility }), r.NextActivity, r.NextActivityDue)).ToList();
        _columns = GroupByStage(cards, totals);
        return Page();
    }

    private static Dictionary<int, StageColumn> GroupByStage(List<BoardCard> cards, List<StageTotal> totals)
    {
        var cardsByStage = cards.GroupBy(c => c.StageId).ToDictionary(g => g.Key, g => g.ToList());
        return totals.GroupBy(t => t.StageId).ToDictionary(g => g.Key, g => new StageColumn(
            cardsByStage.GetValueOrDefault(g.Key) ?? [],
            g.Sum(t => t.Count),
            string.Join(" + ", g.OrderBy(t => t.Currency, StringComparer.Ordinal).Select(t => Localization.Formats.Money(t.Value, t.Currency)))));
    }

    public async Task<IActionResult> OnPostMoveAsync(int dealId, int stageId, int? pipelineId) =>
        Outcome(await commands.MoveAsync(await currentUser.RequireAccessAsync(), dealId, stageId), text["Deal moved."], pipelineId);

    public async Task<IActionResult> OnPostWonAsync(int dealId, int? pipelineId) =>
        Outcome(await commands.MarkWonAsync(await currentUser.RequireAccessAsync(), dealId), text["Deal marked as won."], pipelineId);

    public async Task<IActionResult> OnPostLostAsync(int dealId, string? lostReason, int? pipelineId) =>
        Outcome(await commands.MarkLostAsync(await currentUser.RequireAccessAsync(), dealId, lostReason), text["Deal marked as lost."], pipelineId);

    public async Task<IActionResult> OnPostDeleteAsync(int dealId, int? pipelineId) =>
        Outcome(await commands.DeleteAsync(await currentUser.RequireAccessAsync(), dealId), text["Deal deleted. It can be restored for 30 days."], pipelineId);

    private IActionResult Outcome(CommandResult<Deal> result, string success, int? pipelineId) =>
        Request.Headers.ContainsKey("X-Board-Request")
            ? result.ToJson(success)
            : result.ToPage(this, success, deal => RedirectToPage(new { pipelineId = pipelineId ?? deal?.PipelineId }));
}
