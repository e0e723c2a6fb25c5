namespace DealToLead.Web.Pages.Contacts;

/// <summary>People and organizations. English text is the key; the Swedish is in ContactsText.sv.resx next to this file.</summary>
public sealed class ContactsText;
