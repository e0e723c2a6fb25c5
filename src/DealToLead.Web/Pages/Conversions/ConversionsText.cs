namespace DealToLead.Web.Pages.Conversions;

/// <summary>The bulk conversion job page. English text is the key; the Swedish is in ConversionsText.sv.resx next to this file.</summary>
public sealed class ConversionsText;
