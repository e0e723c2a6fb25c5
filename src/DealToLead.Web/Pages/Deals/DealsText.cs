namespace DealToLead.Web.Pages.Deals;

/// <summary>The deal list, deal page, deal forms and the conversion previews. English text is the key; the Swedish is in DealsText.sv.resx next to this file.</summary>
public sealed class DealsText;
