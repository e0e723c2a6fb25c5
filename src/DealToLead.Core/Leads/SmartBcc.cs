namespace DealToLead.Core.Leads;

/// <summary>
/// The address a lead's Bcc copies go to (Pipedrive's <c>cc_email</c>). A lead's id is a random GUID, so the address
/// cannot be guessed from another lead's.
/// </summary>
public sealed class SmartBccOptions
{
    public const string Section = "Mail:Inbound";

    /// <summary>The local part before the plus sign: the inbound mailbox.</summary>
    public string Mailbox { get; set; } = "dealtolead";

    public string Domain { get; set; } = "inbound.dealtolead.local";

    public string LeadAddress(Guid leadId) => $"{Mailbox}+lead-{leadId:N}@{Domain}";
}
