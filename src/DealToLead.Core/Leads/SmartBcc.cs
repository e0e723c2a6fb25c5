using System.Security.Cryptography;
using System.Text;

namespace DealToLead.Core.Leads;

/// <summary>
/// The addresses Bcc copies go to (Pipedrive's <c>cc_email</c>). A lead's id is a random GUID, so its address cannot
/// be guessed; a deal's id can, so a deal's address carries an HMAC of the id keyed by the installation's secret
/// (<c>company_settings.mail_secret</c>, made once by the migration so that every app instance agrees).
/// </summary>
public sealed class SmartBccOptions
{
    public const string Section = "Mail:Inbound";

    /// <summary>The local part before the plus sign: the inbound mailbox.</summary>
    public string Mailbox { get; set; } = "dealtolead";

    public string Domain { get; set; } = "inbound.dealtolead.local";

    public string LeadAddress(Guid leadId) => $"{Mailbox}+lead-{leadId:N}@{Domain}";

    public string DealAddress(int dealId, string secret) => $"{Mailbox}+deal-{dealId}-{DealTag(dealId, secret)}@{Domain}";

    /// <summary>The company-wide address: links a message to the open deals and leads of the persons on it.</summary>
    public string CompanyAddress => $"{Mailbox}@{Domain}";

    public static string DealTag(int dealId, string secret)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"deal-{dealId}"));
        return Convert.ToHexStringLower(mac)[..8];
    }

    /// <summary>What an address of ours points at; <see cref="BccTarget.None"/> for anyone else's address or a forged deal tag.</summary>
    public BccTarget Parse(string address, string secret)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0 || !address[(at + 1)..].Equals(Domain, StringComparison.OrdinalIgnoreCase))
        {
            return BccTarget.None;
        }

        var local = address[..at].ToLowerInvariant();
        var mailbox = Mailbox.ToLowerInvariant();
        if (local == mailbox)
        {
            return BccTarget.Company;
        }

        if (!local.StartsWith(mailbox + "+", StringComparison.Ordinal))
        {
            return BccTarget.None;
        }

        var tag = local[(mailbox.Length + 1)..];
        if (tag.StartsWith("lead-", StringComparison.Ordinal) && Guid.TryParseExact(tag[5..], "N", out var leadId))
        {
            return BccTarget.ForLead(leadId);
        }

        var parts = tag.Split('-');
        if (parts is ["deal", var id, var mac] && int.TryParse(id, out var dealId)
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(mac), Encoding.ASCII.GetBytes(DealTag(dealId, secret))))
        {
            return BccTarget.ForDeal(dealId);
        }

        return BccTarget.None;
    }
}

public readonly record struct BccTarget(BccTargetKind Kind, int? DealId, Guid? LeadId)
{
    public static BccTarget None => new(BccTargetKind.None, null, null);

    public static BccTarget Company => new(BccTargetKind.Company, null, null);

    public static BccTarget ForDeal(int dealId) => new(BccTargetKind.Deal, dealId, null);

    public static BccTarget ForLead(Guid leadId) => new(BccTargetKind.Lead, null, leadId);
}

public enum BccTargetKind
{
    None,
    Company,
    Deal,
    Lead,
}
