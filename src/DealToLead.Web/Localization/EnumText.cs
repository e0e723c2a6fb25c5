using DealToLead.Core.Common;
using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Web.Pages.Shared;
using Microsoft.Extensions.Localization;

namespace DealToLead.Web.Localization;

/// <summary>
/// The words for the domain's enums and for refusals the domain explains. Each key is written out (no
/// <c>ToString()</c> lookups), so the resource test can tell a used key from an unused one.
/// </summary>
public static class EnumText
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

    /// <summary>
    /// A message from the domain (a refusal or a validation rule) in the user's language. Messages with values in them
    /// that no resource names stay in English.
    /// </summary>
    public static string Message(this IStringLocalizer<SharedText> text, string message)
    {
        var translated = text[message];
        return translated.ResourceNotFound ? message : translated.Value;
    }
}
