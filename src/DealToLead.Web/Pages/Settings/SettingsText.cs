namespace DealToLead.Web.Pages.Settings;

/// <summary>Every settings page, including users and permission sets. English text is the key; the Swedish is in SettingsText.sv.resx next to this file.</summary>
public sealed class SettingsText;
