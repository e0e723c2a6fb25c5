using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Deals;

public class IndexModel(ReadContext reads, CurrentUser currentUser, DealCommands commands, TimeProvider clock) : PageModel
{
    public const int PageSize = 50;

    // Up to this many matches of a search are collected in order; past them, a search is counted and paged by its filter.
    public const int SearchMatchLimit = 2_000;

    // Past this many deals the list says "1,000+", as the Leads Inbox does: an exact count reads every matching deal on
    // every view, so the list's cost grew with the data (15,000 of a rep's open deals at 1,000,000; docs/decisions/0024).
    public const int CountLimit = 1_000;

    public UserAccess Access { get; private set; } = null!;
    public DealListFilter Filter { get; private set; } = new();
    public string Sort { get; private set; } = "created";
    public bool Descending { get; private set; } = true;
    public int PageNumber { get; private set; } = 1;
    public int Total { get; private set; }

    /// <summary>True when more deals match than <see cref="Total"/>, which stopped counting at <see cref="CountLimit"/>.</summary>
    public bool TotalIsLowerBound { get; private set; }
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public List<DealRow> Rows { get; private set; } = [];
    public List<Core.Crm.Pipeline> Pipelines { get; private set; } = [];
    public List<(int Id, string Name)> Owners { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public sealed record DealRow(int Id, string Title, decimal Value, string Currency, string? OrganizationName, string? PersonName,
        string PipelineName, string StageName, string OwnerName, DateOnly? ExpectedCloseDate, DealStatus Status, DateTimeOffset? DeletedAt, List<string> Labels);

    public async Task OnGetAsync([FromQuery] DealListFilter filter, string? sort, string? dir,
        [FromQuery(Name = "page")] int pageNumber = 1) // "page" alone would bind the Razor route value, not the query
    {
        Access = await currentUser.RequireAccessAsync();
        // Reads that tolerate a replica (docs/decisions/0020); writes keep the request's primary context.
        var db = await reads.ContextAsync(HttpContext.RequestAborted);
        Now = clock.GetUtcNow();
        Filter = filter;
        Sort = sort ?? (filter.Status == DealListStatus.Deleted ? "deleted" : "created");
        Descending = dir is null ? Sort is "created" or "deleted" or "value" : dir == "desc";
        PageNumber = Math.Clamp(pageNumber, 1, int.MaxValue / PageSize);

        var query = filter.Apply(db.Deals.AsNoTracking(), Access);
        // A search's matches are few and scattered: the first of them come in one pass, in the list's order, which
        // gives the page (and the count, when that is all), rather than the text filter running again for each
        // (docs/decisions/0023).
        var searching = !string.IsNullOrWhiteSpace(filter.Search);
        var matches = searching ? await Order(query).Select(d => d.Id).Take(SearchMatchLimit + 1).ToListAsync() : [];
        var allMatches = searching && matches.Count <= SearchMatchLimit;
        var (counted, limit) = searching ? (matches.Count, SearchMatchLimit) : (await query.Take(CountLimit + 1).CountAsync(), CountLimit);
        TotalIsLowerBound = counted > limit;
        Total = Math.Min(counted, limit);
        if (!TotalIsLowerBound)
        {
            // Past the end, even where the offset would overflow, is the last page.
            PageNumber = Math.Min(PageNumber, PageCount);
        }

        Rows = await PageAsync(db, query, matches, allMatches);
        if (TotalIsLowerBound && Rows.Count == 0)
        {
            // Past the last page of a list larger than the limit (a stale link or a typed URL): counted exactly, once.
            Total = await query.CountAsync();
            TotalIsLowerBound = false;
            PageNumber = PageCount;
            Rows = await PageAsync(db, query, matches, allMatches);
        }
        else if (TotalIsLowerBound)
        {
            var shown = ((PageNumber - 1) * PageSize) + Rows.Count;
            (Total, TotalIsLowerBound) = Rows.Count < PageSize ? (shown, false) : (Math.Max(Total, shown), true);
        }

        Pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages.OrderBy(s => s.OrderNr))
            .OrderByDescending(p => p.IsDefault).ThenBy(p => p.OrderNr).ToListAsync();
        Owners = (await db.Users.AsNoTracking().OrderBy(u => u.DisplayName).Select(u => new { u.Id, u.DisplayName }).ToListAsync())
            .Select(u => (u.Id, u.DisplayName)).ToList();
    }

    private async Task<List<DealRow>> PageAsync(CrmDbContext db, IQueryable<Deal> query, List<int> matches, bool allMatches)
    {
        var offset = (PageNumber - 1) * PageSize;
        IQueryable<int> pageOfIds;
        if (allMatches || offset + PageSize <= Math.Min(matches.Count, SearchMatchLimit))
        {
            var page = matches.Skip(offset).Take(PageSize).ToList();
            query = db.Deals.AsNoTracking().IgnoreQueryFilters().Where(d => page.Contains(d.Id));
            pageOfIds = query.Select(d => d.Id);
        }
        else
        {
            // Deferred join: the filtered, ordered page of ids first (an index-only scan for the list's usual filters),
            // then the rows and their joins for those 50 ids only (docs/decisions/0018).
            pageOfIds = Order(query).Skip(offset).Take(PageSize).Select(d => d.Id);
        }

        return await Order(query.Where(d => pageOfIds.Contains(d.Id)))
            .Select(d => new DealRow(d.Id, d.Title, d.ValueAmount, d.ValueCurrency,
                d.Organization != null ? d.Organization.Name : null, d.Person != null ? d.Person.Name : null,
                d.Pipeline!.Name, d.Stage!.Name, d.Owner!.DisplayName, d.ExpectedCloseDate, d.Status, d.DeletedAt, d.Labels))
            .ToListAsync();
    }

    private IOrderedQueryable<Deal> Order(IQueryable<Deal> query)
    {
        IOrderedQueryable<Deal> ordered = (Sort, Descending) switch
        {
            ("title", false) => query.OrderBy(d => d.Title),
            ("title", true) => query.OrderByDescending(d => d.Title),
            ("value", false) => query.OrderBy(d => d.ValueAmount),
            ("value", true) => query.OrderByDescending(d => d.ValueAmount),
            ("organization", false) => query.OrderBy(d => d.Organization!.Name),
            ("organization", true) => query.OrderByDescending(d => d.Organization!.Name),
            ("person", false) => query.OrderBy(d => d.Person!.Name),
            ("person", true) => query.OrderByDescending(d => d.Person!.Name),
            ("stage", false) => query.OrderBy(d => d.Pipeline!.OrderNr).ThenBy(d => d.Stage!.OrderNr),
            ("stage", true) => query.OrderByDescending(d => d.Pipeline!.OrderNr).ThenByDescending(d => d.Stage!.OrderNr),
            ("owner", false) => query.OrderBy(d => d.Owner!.DisplayName),
            ("owner", true) => query.OrderByDescending(d => d.Owner!.DisplayName),
            ("close", false) => query.OrderBy(d => d.ExpectedCloseDate),
            ("close", true) => query.OrderByDescending(d => d.ExpectedCloseDate),
            ("deleted", false) => query.OrderBy(d => d.DeletedAt),
            ("deleted", true) => query.OrderByDescending(d => d.DeletedAt),
            (_, false) => query.OrderBy(d => d.CreatedAt),
            _ => query.OrderByDescending(d => d.CreatedAt),
        };
        return ordered.ThenBy(d => d.Id);
    }

    public async Task<IActionResult> OnPostRestoreAsync(int? restoreId, int[] ids, string? returnQuery)
    {
        var access = await currentUser.RequireAccessAsync();
        if (!access.Has(Permission.RestoreDeletedDeals))
        {
            return Forbid();
        }

        var targets = restoreId is { } single ? [single] : ids;
        var restored = 0;
        var errors = new List<string>();
        foreach (var id in targets.Distinct())
        {
            var result = await commands.RestoreAsync(access, id);
            if (result.Succeeded)
            {
                restored++;
            }
            else
            {
                errors.Add($"Deal {id}: {result.Error!.Message}");
            }
        }

        if (restored > 0)
        {
            TempData["Flash"] = restored == 1 ? "1 deal restored." : $"{restored} deals restored.";
        }

        if (errors.Count > 0 || targets.Length == 0)
        {
            TempData["FlashError"] = targets.Length == 0 ? "Select deals to restore." : string.Join(" ", errors);
        }

        var query = returnQuery is { Length: > 0 } q && q.StartsWith('?') ? q : "?status=Deleted";
        return LocalRedirect("/deals" + query);
    }

    public string SortUrl(string column)
    {
        var descending = Sort == column ? !Descending : column is "value" or "created" or "deleted";
        return QueryUrl(new() { ["sort"] = column, ["dir"] = descending ? "desc" : "asc", ["page"] = null });
    }

    public string? AriaSort(string column) => Sort == column ? (Descending ? "descending" : "ascending") : null;

    public string PageUrl(int page) => QueryUrl(new() { ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private string QueryUrl(Dictionary<string, string?> changes)
    {
        var values = Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in changes)
        {
            values[key] = value;
        }

        return "/deals" + Microsoft.AspNetCore.Http.QueryString.Create(values.Where(v => !string.IsNullOrEmpty(v.Value)));
    }
}
