namespace DealToLead.Web.Pages.Leads;

/// <summary>The Leads Inbox, the lead page and panel, and the lead forms. English text is the key; the Swedish is in LeadsText.sv.resx next to this file.</summary>
public sealed class LeadsText;
