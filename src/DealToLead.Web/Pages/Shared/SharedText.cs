namespace DealToLead.Web.Pages.Shared;

/// <summary>The strings shared by every page (menu, buttons, validation, statuses) and the pages at the root. English text is the key; the Swedish is in SharedText.sv.resx next to this file.</summary>
public sealed class SharedText;
