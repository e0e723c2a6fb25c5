using System.Globalization;
using DealToLead.Core.Data;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace DealToLead.Web.Pages.Leads;

/// <summary>The Leads Inbox (and its archived view): filtered, sorted, paged list beside the selected lead's detail.</summary>
public class IndexModel(CrmDbContext db, ReadContext reads, CurrentUser currentUser, TimeProvider clock, LeadCommands leads, ReferenceDataCache referenceData, IOptions<SmartBccOptions> bcc, IStringLocalizer<LeadsText> text) : PageModel
{
    public const int PageSize = 50;

    // An exact count scans every matching lead on every view (41 ms for 59,000 leads from source Deal); past this
    // many the inbox says "1,000+", which tells a rep as much: twenty pages. Counting to 10,000 cost 3.5 ms of
    // PostgreSQL's time on every view, counting to 1,000 costs 0.9 ms (docs/decisions/0024). Pages past it show
    // "at least up to this page".
    public const int CountLimit = 1_000;

    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true)]
    public LeadSource? Source { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Owner { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Label { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? CreatedFrom { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? CreatedTo { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public LeadSort Sort { get; set; } = LeadSort.Created;

    [BindProperty(SupportsGet = true)]
    public string? Dir { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public Guid? Selected { get; set; }

    /// <summary>The last lead of the page before, written by the Next link: the page is sought from there (docs/decisions/0024).</summary>
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The first lead of the page after, written by the Previous link.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    public bool Archived => View == "archived";
    public bool Descending => Dir is null ? Sort == LeadSort.Created : Dir == "desc";
    public IReadOnlyList<LeadListRow> Rows { get; private set; } = [];
    public int Total { get; private set; }

    /// <summary>True when there are more matching leads than <see cref="Total"/>, which stopped counting.</summary>
    public bool TotalIsLowerBound { get; private set; }
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public IReadOnlyDictionary<Guid, LeadLabel> Labels { get; private set; } = new Dictionary<Guid, LeadLabel>();
    public IReadOnlyList<UserOption> Owners { get; private set; } = [];
    public LeadDetailView? Detail { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        if (Selected is { } selected)
        {
            // Loaded before the list, because opening the lead marks it seen and the list should show that.
            Detail = await LeadDetailView.LoadAsync(db, access, selected, clock, bcc.Value, cancellationToken);
            if (Detail is not null)
            {
                Detail.ReturnUrl = Request.Path + Request.QueryString;
            }
        }

        var filter = new LeadListFilter
        {
            Archived = Archived,
            Source = Source,
            OwnerId = Owner,
            LabelId = Label,
            CreatedFrom = CreatedFrom,
            CreatedTo = CreatedTo,
            Search = Q,
        };
        // A replica may serve the list (docs/decisions/0020), but not after opening a lead, which marked it seen: this
        // request's own write, which the list must show.
        var lists = Selected is null ? await reads.ContextAsync(cancellationToken) : db;
        var filtered = filter.Apply(lists.Leads.AsNoTracking(), access);
        var searching = !string.IsNullOrWhiteSpace(Q);
        var seek = LeadInboxPosition.Parse(After) is { } after ? new LeadInboxSeek(after, Backward: false)
            : LeadInboxPosition.Parse(Before) is { } before ? new LeadInboxSeek(before, Backward: true)
            : null;
        // A search counts only the matches it shows: counting them reads every match of a common term, which grows
        // with the inbox, while its page of the newest matches stops early (docs/decisions/0029).
        var page = await LeadInboxPage.LoadAsync(lists, filtered, filter.FiltersOnlyArchiveAndSource, Sort, Descending, PageNumber, PageSize,
            searching ? null : CountLimit, seek, cancellationToken);
        (Rows, PageNumber, Total, TotalIsLowerBound) = (page.Rows, page.PageNumber, page.Total, page.TotalIsLowerBound);
        Labels = (await referenceData.LabelsAsync(lists, cancellationToken)).ToDictionary(l => l.Id);
        Owners = await referenceData.OwnersAsync(lists, cancellationToken);
    }

    public Task<IActionResult> OnPostArchiveAsync(List<Guid> ids, CancellationToken cancellationToken) => SetArchivedAsync(ids, true, cancellationToken);

    public Task<IActionResult> OnPostUnarchiveAsync(List<Guid> ids, CancellationToken cancellationToken) => SetArchivedAsync(ids, false, cancellationToken);

    private async Task<IActionResult> SetArchivedAsync(List<Guid> ids, bool archived, CancellationToken cancellationToken)
    {
        var changed = await leads.SetArchivedAsync(await currentUser.RequireAccessAsync(cancellationToken), ids, archived, cancellationToken);
        var refused = ids.Count - changed;
        var done = archived
            ? changed == 1 ? text["1 lead archived."] : text["{0} leads archived.", changed]
            : changed == 1 ? text["1 lead moved back to the inbox."] : text["{0} leads moved back to the inbox.", changed];
        TempData["Flash"] = refused > 0 ? $"{done} {text["{0} could not be changed (already done, not found, or not yours to change).", refused]}" : done.Value;
        return Redirect(archived ? "/leads" : "/leads/archived");
    }

    /// <summary>The current URL with some query values replaced (null removes), for sort headers, paging and selection.</summary>
    public string UrlWith(params (string Key, string? Value)[] changes)
    {
        var query = Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in changes)
        {
            query[key] = value;
        }

        var pairs = query.Where(q => !string.IsNullOrEmpty(q.Value))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value!)}");
        var path = Archived ? "/leads/archived" : "/leads";
        var queryString = string.Join("&", pairs);
        return queryString.Length == 0 ? path : $"{path}?{queryString}";
    }

    /// <summary>The current URL up to the id of a lead it selects, built once per page rather than once per row.</summary>
    public string SelectUrlPrefix()
    {
        var url = UrlWith(("selected", null));
        return url + (url.Contains('?', StringComparison.Ordinal) ? "&selected=" : "?selected=");
    }

    public string SortUrl(LeadSort column)
    {
        var descending = Sort == column ? !Descending : column == LeadSort.Created;
        return UrlWith(("sort", column.ToString()), ("dir", descending ? "desc" : "asc"), ("p", null), ("after", null), ("before", null));
    }

    /// <summary>
    /// Sorted by creation, Next and Previous carry the edge of this page, so that the page they open is sought from
    /// it rather than counted to, in a search too; other sorts go by the page number alone.
    /// </summary>
    public string NextUrl() => PageUrl(PageNumber + 1, after: Seeks ? LeadInboxPosition.Of(Rows[^1]).Format() : null);

    public string PreviousUrl() => PageUrl(PageNumber - 1, before: Seeks && PageNumber > 2 ? LeadInboxPosition.Of(Rows[0]).Format() : null);

    private bool Seeks => Sort == LeadSort.Created && Rows.Count > 0;

    private string PageUrl(int pageNumber, string? after = null, string? before = null) => UrlWith(
        ("p", pageNumber > 1 ? pageNumber.ToString(CultureInfo.InvariantCulture) : null), ("after", after), ("before", before));

    public string? AriaSort(LeadSort column) => Sort != column ? null : Descending ? "descending" : "ascending";
}
