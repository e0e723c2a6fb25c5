using DealToLead.Core.Crm;
using DealToLead.Core.Leads;
using DealToLead.Core.Users;

namespace DealToLead.Core.Conversions;

public sealed record Refusal(ConversionRejection Kind, string Reason);

/// <summary>
/// The rules of converting, in one place and without a database: the conversion service applies them to each
/// request, the bulk confirm dialog to a whole selection, the lead page to decide which buttons to show.
/// </summary>
public static class ConversionRules
{
    public static readonly Refusal NoPermission = new(ConversionRejection.NoPermission, "You do not have the \"Convert deals to leads\" permission. Ask an admin to grant it.");
    public static readonly Refusal AlreadyConverted = new(ConversionRejection.AlreadyConverted, "This deal has already been converted to a lead or deleted.");
    public static readonly Refusal LeadAlreadyConverted = new(ConversionRejection.AlreadyConverted, "This lead has already been converted or its conversion was undone.");
    public static readonly Refusal InvalidStage = new(ConversionRejection.InvalidStage, "Choose an existing pipeline and stage.");
    public static readonly Refusal UndoLost = new(ConversionRejection.UndoNotPossible, "The conversion was already undone, the deal was restored, or the lead was converted to a deal.");

    /// <summary>Why <paramref name="actor"/> may not convert this deal to a lead, or null when they may.</summary>
    public static Refusal? DealToLead(UserAccess actor, Deal deal, bool convertedBefore)
    {
        if (!actor.Has(Permission.ConvertDealsToLeads))
        {
            return NoPermission;
        }

        if (!actor.CanEdit(deal))
        {
            return new Refusal(ConversionRejection.NotEditable, "You may not edit this deal: it is owned by another user.");
        }

        if (deal.IsDeleted)
        {
            return convertedBefore
                ? new Refusal(ConversionRejection.AlreadyConverted, "This deal has already been converted to a lead.")
                : new Refusal(ConversionRejection.DealDeleted, "This deal is deleted. Restore it first.");
        }

        if (deal.Status == DealStatus.Won)
        {
            return new Refusal(ConversionRejection.DealWon, "Won deals cannot be converted to leads.");
        }

        // A deal may have no contact (the API accepts one with only a title, as Pipedrive's does); a lead may not.
        return deal.PersonId is null && deal.OrganizationId is null
            ? new Refusal(ConversionRejection.DealWithoutContact, "A lead needs a person or an organization: add one to the deal first.")
            : null;
    }

    public static Refusal? LeadToDeal(UserAccess actor, Lead lead) =>
        actor.CanConvert(lead) ? null : new Refusal(ConversionRejection.NotEditable, "Only the lead's owner or an admin can convert it to a deal.");

    /// <summary>
    /// Undo restores the deal the lead came from. Only the deal's latest conversion can be undone: an older lead's
    /// undo would restore a deal whose items now sit on a newer lead.
    /// </summary>
    public static Refusal? Undo(UserAccess actor, Lead lead, Conversion? conversion, Conversion? latestOfDeal, DateTimeOffset now)
    {
        if (!actor.CanConvert(lead))
        {
            return new Refusal(ConversionRejection.NotEditable, "Only the lead's owner or an admin can undo its conversion.");
        }

        if (conversion?.DealId is null)
        {
            return new Refusal(ConversionRejection.UndoNotPossible, "This lead was not converted from a deal, or its conversion was already undone.");
        }

        if (latestOfDeal is not null && latestOfDeal.Id != conversion.Id)
        {
            return new Refusal(ConversionRejection.UndoNotPossible, "The deal was restored and converted again to another lead since; only that latest conversion can be undone.");
        }

        return now - conversion.CreatedAt >= Deal.RestoreWindow
            ? new Refusal(ConversionRejection.UndoExpired, "A conversion can be undone for 30 days; this one is older.")
            : null;
    }

    /// <summary>Whether the lead page offers Undo; the service still applies <see cref="Undo"/> when it is clicked.</summary>
    public static bool OffersUndo(UserAccess actor, Lead lead, DateTimeOffset now) =>
        actor.CanConvert(lead) && lead.Source == LeadSource.Deal && lead.OriginDealId is not null && now - lead.CreatedAt < Deal.RestoreWindow;
}
