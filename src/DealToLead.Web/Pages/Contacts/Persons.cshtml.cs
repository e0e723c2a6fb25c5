using DealToLead.Core.Crm;
using DealToLead.Core.Data;
using DealToLead.Web.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.Web.Pages.Contacts;

public class PersonsModel(ReadContext reads, CurrentUser currentUser) : PageModel
{
    public ContactListQuery List { get; private set; } = null!;
    public List<PersonRow> Rows { get; private set; } = [];

    public sealed record PersonRow(int Id, string Name, int? OrganizationId, string? OrganizationName, List<string> Emails, List<string> Phones, int OpenDeals);

    public async Task OnGetAsync(string? q, string? dir, [FromQuery(Name = "page")] int? pageNumber, CancellationToken cancellationToken)
    {
        var access = await currentUser.RequireAccessAsync(cancellationToken);
        // Reads that tolerate a replica (docs/decisions/0020); writes keep the request's primary context.
        var db = await reads.ContextAsync(cancellationToken);
        var list = new ContactListQuery("/persons", q, dir == "desc", Math.Max(1, pageNumber ?? 1), 0);
        var persons = db.Persons.AsNoTracking();
        if (list.SearchPattern is { } pattern)
        {
            persons = persons.Where(p => EF.Functions.ILike(p.Name, pattern) || p.Emails.Any(e => EF.Functions.ILike(e, pattern)));
        }

        List = list.WithTotal(await persons.CountAsync(cancellationToken));
        // Counted in the same statement as the rows: the page costs the same queries for 50 rows as for one.
        var visibleDeals = db.Deals.VisibleTo(access);
        var ordered = list.Descending ? persons.OrderByDescending(p => p.Name) : persons.OrderBy(p => p.Name);
        Rows = await ordered.ThenBy(p => p.Id).Skip(List.Skip).Take(ContactListQuery.PageSize)
            .Select(p => new PersonRow(p.Id, p.Name, p.OrganizationId, p.Organization != null ? p.Organization.Name : null, p.Emails, p.Phones,
                visibleDeals.Count(d => d.PersonId == p.Id && d.Status == DealStatus.Open)))
            .ToListAsync(cancellationToken);
    }
}
