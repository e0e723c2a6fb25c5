using Microsoft.AspNetCore.Http;

namespace DealToLead.Web.Pages.Contacts;

/// <summary>Search, name sorting and paging shared by the person and organization lists; all of it lives in the URL.</summary>
public sealed record ContactListQuery(string Path, string? Search, bool Descending, int PageNumber, int Total)
{
    public const int PageSize = 50;

    public int Skip => (PageNumber - 1) * PageSize;

    /// <summary>With the total known; a page number past the end (even one whose offset overflows) opens the last page.</summary>
    public ContactListQuery WithTotal(int total) => this with { Total = total, PageNumber = Math.Min(PageNumber, Math.Max(1, (int)Math.Ceiling(total / (double)PageSize))) };

    public int Pages => Math.Max(1, (int)Math.Ceiling(Total / (double)PageSize));

    public string? SearchPattern => string.IsNullOrWhiteSpace(Search)
        ? null
        : $"%{Search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";

    public string NameSortUrl => Url(!Descending, 1);

    public string AriaSort => Descending ? "descending" : "ascending";

    public string PageUrl(int page) => Url(Descending, page);

    private string Url(bool descending, int page)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
            ["dir"] = descending ? "desc" : null,
            ["page"] = page > 1 ? page.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        return Path + QueryString.Create(values.Where(v => v.Value is not null));
    }
}

public static class ContactReturnUrl
{
    /// <summary>The page to go back to after creating a contact, with the new contact chosen; only local URLs, so the form cannot be used to redirect elsewhere.</summary>
    public static string? WithChosen(string? returnUrl, string key, int id, Microsoft.AspNetCore.Mvc.IUrlHelper url)
    {
        if (string.IsNullOrEmpty(returnUrl) || !url.IsLocalUrl(returnUrl))
        {
            return null;
        }

        var queryStart = returnUrl.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? returnUrl : returnUrl[..queryStart];
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryStart < 0 ? string.Empty : returnUrl[queryStart..])
            .Where(q => !string.Equals(q.Key, key, StringComparison.OrdinalIgnoreCase))
            .Select(q => new KeyValuePair<string, string?>(q.Key, q.Value.ToString()))
            .Append(new(key, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return path + QueryString.Create(query);
    }
}
