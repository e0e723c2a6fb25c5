using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace DealToLead.Web;

/// <summary>
/// Data-protection keys (they sign cookies and antiforgery tokens) live in the database; in Production they are
/// encrypted there with the certificate at <c>DataProtection:CertificatePath</c> (PKCS #12, password
/// <c>DataProtection:CertificatePassword</c>), and the app refuses to start without one. Elsewhere the certificate is optional.
/// </summary>
public sealed class DataProtectionCertificate(IConfiguration configuration, IHostEnvironment environment, ILoggerFactory loggerFactory)
    : IConfigureOptions<KeyManagementOptions>
{
    private readonly Lazy<X509Certificate2?> _certificate = new(() => Load(configuration, environment));

    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<DataProtectionCertificate>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => sp.GetRequiredService<DataProtectionCertificate>());
    }

    /// <summary>Fails start-up in Production when no usable certificate is configured.</summary>
    public static void EnsureConfigured(IServiceProvider services) => _ = services.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

    public void Configure(KeyManagementOptions options)
    {
        if (_certificate.Value is { } certificate)
        {
            options.XmlEncryptor = new Encryptor(new CertificateXmlEncryptor(certificate, loggerFactory));
        }
    }

    /// <summary>
    /// The framework's certificate encryption (XML Encryption, the key wrapped with the certificate's RSA key), with
    /// a decryptor that is given the configured certificate rather than searching the machine's certificate store:
    /// the certificate is known only once configuration is complete, after the framework's own options were set.
    /// </summary>
    internal sealed class Encryptor(CertificateXmlEncryptor inner) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
            new(inner.Encrypt(plaintextElement).EncryptedElement, typeof(Decryptor));
    }

    internal sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var certificate = services.GetRequiredService<DataProtectionCertificate>()._certificate.Value
                ?? throw new InvalidOperationException("A data-protection key is encrypted, but DataProtection:CertificatePath is not set.");
            var document = new XmlDocument { PreserveWhitespace = true };
            using (var reader = encryptedElement.CreateReader())
            {
                document.Load(reader);
            }

            new WithCertificate(document, certificate).DecryptDocument();
            return XElement.Parse(document.DocumentElement!.OuterXml);
        }
    }

    private sealed class WithCertificate(XmlDocument document, X509Certificate2 certificate) : EncryptedXml(document)
    {
        public override byte[]? DecryptEncryptedKey(EncryptedKey encryptedKey)
        {
            using var rsa = certificate.GetRSAPrivateKey() ?? throw new CryptographicException("The data-protection certificate has no RSA private key.");
            var oaep = encryptedKey.EncryptionMethod?.KeyAlgorithm == XmlEncRSAOAEPUrl;
            return DecryptKey(encryptedKey.CipherData.CipherValue!, rsa, oaep);
        }
    }

    private static X509Certificate2? Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["DataProtection:CertificatePath"];
        if (string.IsNullOrEmpty(path))
        {
            return environment.IsProduction()
                ? throw new InvalidOperationException(
                    "DataProtection:CertificatePath is not set: in Production the data-protection keys stored in the database must be encrypted. "
                    + "Give a PKCS #12 certificate with a private key (see the README's Security section).")
                : null;
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration["DataProtection:CertificatePassword"]);
        return certificate.HasPrivateKey
            ? certificate
            : throw new InvalidOperationException($"The data-protection certificate {path} has no private key: keys encrypted with it could not be read back.");
    }
}
