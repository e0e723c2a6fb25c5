using System.Text.RegularExpressions;
using DealToLead.Core.Users;
using DealToLead.Infrastructure.Seeding;
using DealToLead.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DealToLead.IntegrationTests.Leads;

public static partial class LeadTestData
{
    /// <summary>Lead ids in the order the inbox rows show them.</summary>
    public static List<Guid> RowIds(string html) => LeadRow().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();

    /// <summary>The HTML of the inbox row that shows the lead.</summary>
    public static string Row(string html, Guid leadId)
    {
        var start = html.LastIndexOf("<tr", html.IndexOf($"data-lead-id=\"{leadId}\"", StringComparison.Ordinal), StringComparison.Ordinal);
        return html[start..(html.IndexOf("</tr>", start, StringComparison.Ordinal) + "</tr>".Length)];
    }

    /// <summary>Puts the user into a permission set without "See deals of other users", as a plain rep.</summary>
    public static async Task MakeUnableToSeeOthersAsync(DealToLeadApp app, DemoUser user)
    {
        await app.WithDbAsync(async db =>
        {
            var set = new PermissionSet
            {
                Name = "Own deals only",
                Grants = PermissionSet.RegularUserDefaults.Where(p => p != Permission.SeeDealsOfOthers && p != Permission.EditDealsOwnedByOthers)
                    .Select(p => new PermissionGrant { Permission = p }).ToList(),
            };
            db.PermissionSets.Add(set);
            await db.SaveChangesAsync();
            var appUser = await db.Users.SingleAsync(u => u.Email == user.Email);
            appUser.PermissionSetId = set.Id;
            await db.SaveChangesAsync();
        });
    }

    [GeneratedRegex("data-lead-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex LeadRow();
}
