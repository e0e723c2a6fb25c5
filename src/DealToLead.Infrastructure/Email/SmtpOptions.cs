namespace DealToLead.Infrastructure.Email;

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>The <c>Smtp</c> configuration section.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 25;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.None;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "DealToLead <no-reply@dealtolead.local>";
    public int TimeoutSeconds { get; set; } = 30;
}
