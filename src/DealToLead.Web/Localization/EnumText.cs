using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.CustomFields;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;
using DealToLead.Web.Pages.Shared;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Localization;

/// <summary>
/// The words for the domain's enums and for refusals the domain explains. Each key is written out (no
/// <c>ToString()</c> lookups), so the resource test can tell a used key from an unused one.
/// </summary>
public static partial class EnumText
{
    public static string Of(this IStringLocalizer<SharedText> text, DealStatus status) => status switch
    {
        DealStatus.Won => text["Won"],
        DealStatus.Lost => text["Lost"],
        _ => text["Open"],
    };

    /// <summary>A deleted deal says Deleted, whatever status it had before.</summary>
    public static string StatusOf(this IStringLocalizer<SharedText> text, Deal deal) => deal.IsDeleted ? text["Deleted"] : text.Of(deal.Status);

    public static string Of(this IStringLocalizer<SharedText> text, DealListStatus status) => status switch
    {
        DealListStatus.Open => text["Open"],
        DealListStatus.Won => text["Won"],
        DealListStatus.Lost => text["Lost"],
        DealListStatus.Deleted => text["Deleted"],
        _ => text["All (not deleted)"],
    };

    public static string Of(this IStringLocalizer<SharedText> text, Visibility visibility) =>
        visibility == Visibility.OwnerOnly ? text["Owner only"] : text["Entire company"];

    public static string Of(this IStringLocalizer<SharedText> text, ActivityType type) => type switch
    {
        ActivityType.Call => text["Call"],
        ActivityType.Meeting => text["Meeting"],
        ActivityType.Task => text["Task"],
        ActivityType.Email => text["Email"],
        ActivityType.Deadline => text["Deadline"],
        _ => text["Lunch"],
    };

    public static string Of(this IStringLocalizer<SharedText> text, EmailLinkKind linkedVia) =>
        linkedVia == EmailLinkKind.Bcc ? text["Bcc"] : text["Email sync"];

    public static string Of(this IStringLocalizer<SharedText> text, LeadSource source) => source switch
    {
        LeadSource.ManuallyCreated => text["Manually created"],
        LeadSource.Deal => text["Deal"],
        LeadSource.WebForms => text["Web forms"],
        LeadSource.Import => text["Import"],
        LeadSource.Api => text["API"],
        LeadSource.Prospector => text["Prospector"],
        LeadSource.LiveChat => text["Live chat"],
        _ => text["Messaging inbox"],
    };

    public static string Of(this IStringLocalizer<SharedText> text, InvoiceStatus status) => status switch
    {
        InvoiceStatus.Draft => text["Draft"],
        InvoiceStatus.Sent => text["Sent"],
        InvoiceStatus.Paid => text["Paid"],
        _ => text["Overdue"],
    };

    public static string Of(this IStringLocalizer<SharedText> text, CustomFieldType type) => type switch
    {
        CustomFieldType.Text => text["Text"],
        CustomFieldType.LargeText => text["Large text"],
        CustomFieldType.Number => text["Numerical"],
        CustomFieldType.Monetary => text["Monetary"],
        CustomFieldType.Date => text["Date"],
        CustomFieldType.SingleOption => text["Single option"],
        CustomFieldType.MultipleOptions => text["Multiple options"],
        CustomFieldType.PersonReference => text["Person"],
        CustomFieldType.OrganizationReference => text["Organization"],
        _ => text["Formula"],
    };

    /// <summary>A permission's name; the English is the domain's <see cref="PermissionDescriptions.Title"/>.</summary>
    public static string Of(this IStringLocalizer<SharedText> text, Permission permission) => text.Message(permission.Title());

    public static string ExplanationOf(this IStringLocalizer<SharedText> text, Permission permission) => text.Message(permission.Explanation());

    /// <summary>The built-in sets' names are the domain's; the names admins give their own sets are shown as written.</summary>
    public static string NameOf(this IStringLocalizer<SharedText> text, PermissionSet set) => text.SetName(set.Name, set.IsBuiltIn);

    public static string SetName(this IStringLocalizer<SharedText> text, string name, bool isBuiltIn) => isBuiltIn ? text.Message(name) : name;

    /// <summary>A built-in set's description as the reference data wrote it is translated; an admin's own words are not.</summary>
    public static string SetDescription(this IStringLocalizer<SharedText> text, string description, bool isBuiltIn) => !isBuiltIn ? description : description switch
    {
        "Given to every new regular user." => text["Given to every new regular user."],
        "Sees and edits every deal and lead, owner-only ones included." => text["Sees and edits every deal and lead, owner-only ones included."],
        _ => description,
    };

    /// <summary>
    /// A message from the domain (a refusal or a validation rule) in the user's language. A message with values in it
    /// (a limit, a name) is matched against the templates below and said again with its values; one nobody
    /// translated stays in English.
    /// </summary>
    public static string Message(this IStringLocalizer<SharedText> text, string message)
    {
        var translated = text[message];
        if (!translated.ResourceNotFound)
        {
            return translated.Value;
        }

        foreach (var template in WithValues)
        {
            var localized = template(text);
            var match = Patterns.GetOrAdd(localized.Name, Pattern).Match(message);
            if (match.Success && !localized.ResourceNotFound)
            {
                // A value may itself be a message (why a note was refused); names and numbers are left as they are.
                var values = match.Groups.Cast<Group>().Where(g => g.Name.StartsWith('p')).OrderBy(g => g.Name, StringComparer.Ordinal)
                    .Select(g => (object)(g.Value.EndsWith('.') && g.Value.Contains(' ', StringComparison.Ordinal) ? text.Message(g.Value) : g.Value))
                    .ToArray();
                return string.Format(CultureInfo.CurrentCulture, localized.Value, values);
            }
        }

        return message;
    }

    /// <summary>
    /// The domain's messages that carry values, as their English with {0}, {1} where the values go. Singular forms
    /// come before their plurals. The domain builds these with interpolation, so the templates are written out here.
    /// </summary>
    private static readonly Func<IStringLocalizer<SharedText>, LocalizedString>[] WithValues =
    [
        text => text["The title must be 1 to {0} characters."],
        text => text["The subject must be 1 to {0} characters."],
        text => text["The note was not added. {0}"],
        text => text["The note was not saved. {0}"],
        text => text["The text is longer than {0} characters."],
        text => text["The HTML nests deeper than {0} elements."],
        text => text["Name is required (at most {0} characters)."],
        text => text["The address may have at most {0} characters."],
        text => text["The address's {0} may have at most {1} characters."],
        text => text["The address has no part named '{0}'. Use value, {1}."],
        text => text["A label may have at most {0} characters; \"{1}\" has {2}."],
        text => text["Unknown custom field '{0}'."],
        text => text["'{0}' is a formula field and cannot be set."],
        text => text["'{0}' must be a number."],
        text => text["'{0}' must be a date (yyyy-MM-dd)."],
        text => text["'{0}' must be one of: {1}."],
        text => text["'{0}' must be from: {1}."],
        text => text["'{0}' must be an existing person id."],
        text => text["'{0}' must be an existing organization id."],
        text => text["'{0}' is too long."],
        text => text["The message is larger than {0} MB, the most an .eml may be."],
        text => text["The pipeline \"{0}\" still holds 1 deal (open, won, lost or deleted and restorable): move them to another pipeline first."],
        text => text["The pipeline \"{0}\" still holds {1} deals (open, won, lost or deleted and restorable): move them to another pipeline first."],
        text => text["The stage \"{0}\" still holds 1 deal (open, won, lost or deleted and restorable): move them to another stage first."],
        text => text["The stage \"{0}\" still holds {1} deals (open, won, lost or deleted and restorable): move them to another stage first."],
        text => text["A pipeline needs a name of 1 to {0} characters, without control characters."],
        text => text["A stage needs a name of 1 to {0} characters, without control characters."],
        text => text["There is already a pipeline named \"{0}\"."],
        text => text["This pipeline already has a stage named \"{0}\"."],
        text => text["A permission set named \"{0}\" already exists."],
        text => text["There is already a label named \"{0}\"."],
    ];

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>"The title must be 1 to {0} characters." → ^The\ title\ must\ be\ 1\ to\ (?&lt;p0&gt;.*?)\ characters\.$</summary>
    private static Regex Pattern(string template) =>
        new("^" + PlaceholderInEscaped().Replace(Regex.Escape(template), "(?<p$1>.*?)") + "$", RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"\\\{(\d+)}")]
    private static partial Regex PlaceholderInEscaped();
}
