using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Contacts;

public class OrganizationsModel(ReadContext reads, CurrentUser currentUser) : PageModel
{
    public ContactListQuery List { get; private set; } = null!;
    public List<OrganizationRow> Rows { get; private set; } = [];

    public sealed record OrganizationRow(int Id, string Name, string? Address, int People, int OpenDeals);

    public async Task OnGetAsync(string? q, string? dir, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        // Reads that tolerate a replica (docs/decisions/0020); writes keep the request's primary context.
        var db = await reads.ContextAsync(cancellationToken);
        var list = new ContactListQuery("/organizations", q, dir == "desc", Math.Max(1, pageNumber ?? 1), 0);
        var organizations = db.Organizations.AsNoTracking();
        if (list.SearchPattern is { } pattern)
        {
            organizations = organizations.Where(o => EF.Functions.ILike(o.Name, pattern) || (o.Address != null && EF.Functions.ILike(o.Address, pattern)));
        }

        List = list.WithTotal(await organizations.CountAsync(cancellationToken));
        // Counted in the same statement as the rows: the page costs the same queries for 50 rows as for one.
        var visibleDeals = db.Deals.VisibleTo(access);
        var ordered = list.Descending ? organizations.OrderByDescending(o => o.Name) : organizations.OrderBy(o => o.Name);
        Rows = await ordered.ThenBy(o => o.Id).Skip(List.Skip).Take(ContactListQuery.PageSize)
            .Select(o => new OrganizationRow(o.Id, o.Name, o.Address,
                db.Persons.Count(p => p.OrganizationId == o.Id),
                visibleDeals.Count(d => d.OrganizationId == o.Id && d.Status == DealStatus.Open)))
            .ToListAsync(cancellationToken);
    }
}
