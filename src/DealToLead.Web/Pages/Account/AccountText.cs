namespace DealToLead.Web.Pages.Account;

/// <summary>Sign-in and set-password pages. English text is the key; the Swedish is in AccountText.sv.resx next to this file.</summary>
public sealed class AccountText;
