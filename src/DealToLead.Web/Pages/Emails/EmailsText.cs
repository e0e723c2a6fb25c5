namespace DealToLead.Web.Pages.Emails;

/// <summary>The Unlinked emails page. English text is the key; the Swedish is in EmailsText.sv.resx next to this file.</summary>
public sealed class EmailsText;
