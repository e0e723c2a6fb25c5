using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace DealToLead.Infrastructure.Webhooks;

/// <summary>A subscription URL pointed somewhere the app may not send to.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);

/// <summary>
/// Where webhooks may be sent: absolute http(s) URLs whose host resolves only to public addresses, unless
/// <see cref="WebhookOptions.AllowPrivateAddresses"/>. Checked when a webhook is created and again on every
/// connection, so a name that later resolves to an internal address is refused at delivery time too.
/// </summary>
public sealed class WebhookAddressPolicy(IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>Why the URL is not acceptable, or null.</summary>
    public static string? UrlRefusal(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "subscription_url is required.";
        }

        if (url.Length > Core.Webhooks.Webhook.MaxUrlLength)
        {
            return $"subscription_url may have at most {Core.Webhooks.Webhook.MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps) || parsed.Host.Length == 0)
        {
            return "subscription_url must be an absolute http:// or https:// URL.";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "subscription_url may not contain a user name or password; use http_auth_user and http_auth_password.";
        }

        uri = parsed;
        return null;
    }

    /// <summary>Why the URL's host may not be sent to (resolving it when it is a name), or null.</summary>
    public async Task<string?> AddressRefusalAsync(Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            await AllowedAddressesAsync(uri.IdnHost, cancellationToken);
            return null;
        }
        catch (WebhookAddressRefusedException refused)
        {
            return refused.Message;
        }
    }

    /// <summary>The connection for a delivery: to an address of the host that the policy allows, never to one it refuses.</summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var addresses = await AllowedAddressesAsync(endPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<IPAddress[]> AllowedAddressesAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException)
            {
                throw new WebhookAddressRefusedException($"The host '{host}' of subscription_url could not be resolved.");
            }
        }

        if (addresses.Length == 0)
        {
            throw new WebhookAddressRefusedException($"The host '{host}' of subscription_url could not be resolved.");
        }

        if (!options.CurrentValue.AllowPrivateAddresses && addresses.FirstOrDefault(IsPrivate) is { } refused)
        {
            throw new WebhookAddressRefusedException(
                $"subscription_url points at {refused}, a loopback, private or link-local address; webhooks are sent to public addresses only (setting Webhooks:AllowPrivateAddresses).");
        }

        return addresses;
    }

    /// <summary>Loopback, private, link-local, shared (CGNAT), unspecified, multicast and reserved addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,
                169 => b[1] == 254,
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2),
                198 => b[1] is 18 or 19,
                >= 224 => true,
                _ => false,
            };
        }

        var bytes = address.GetAddressBytes();
        return address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (bytes[0] & 0xFE) == 0xFC;
    }
}
