using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Cluster.Security;

/// <summary>
/// The cluster's certificate authority (ECDSA P-256): it signs node certificates (server and
/// client: the cluster API, etcd peers and clients) and administrator certificates (client only).
/// A certificate's common name says who holds it: <c>node:NAME</c> or <c>admin:NAME</c>.
/// </summary>
public sealed class ClusterCa(X509Certificate2 certificate, ECDsa key)
{
    public const string NodePrefix = "node:";
    public const string AdminPrefix = "admin:";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public X509Certificate2 Certificate { get; } = certificate;

    public ECDsa Key { get; } = key;

    public static ClusterCa Create(string clusterName)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={clusterName} cluster CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var selfSigned = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(20));
        return new ClusterCa(X509CertificateLoader.LoadCertificate(selfSigned.RawData), key);
    }

    /// <summary>A node's certificate for a key it made itself (its CSR): server and client, with the rack address as IP SAN.</summary>
    public X509Certificate2 IssueNode(string nodeName, IPAddress rackAddress, PublicKey publicKey)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(rackAddress);
        san.AddDnsName(nodeName);
        return Issue($"CN={NodePrefix}{nodeName}", publicKey, [ServerAuth, ClientAuth], san.Build());
    }

    /// <summary>An administrator's client certificate and its key.</summary>
    public X509Certificate2 IssueAdmin(string name, ECDsa key) =>
        ECDsaCertificateExtensions.CopyWithPrivateKey(Issue($"CN={AdminPrefix}{name}", new PublicKey(key), [ClientAuth], null), key);

    /// <summary>
    /// The CA's fingerprint as join tokens carry it: the first 128 bits of the SHA-256 of its
    /// SubjectPublicKeyInfo, in lower-case base32 (26 characters).
    /// </summary>
    public static string Hash(X509Certificate2 ca)
    {
        byte[] spki = ca.PublicKey.ExportSubjectPublicKeyInfo();
        return Base32.Encode(SHA256.HashData(spki).AsSpan(0, 16));
    }

    /// <summary>The CA's key as PKCS#8, for keeping it sealed in etcd.</summary>
    public byte[] ExportKey() => Key.ExportPkcs8PrivateKey();

    public static ClusterCa Import(X509Certificate2 certificate, ReadOnlySpan<byte> pkcs8)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return new ClusterCa(certificate, key);
    }

    private X509Certificate2 Issue(string subject, PublicKey publicKey, Oid[] usages, X509Extension? san)
    {
        var request = new CertificateRequest(new X500DistinguishedName(subject), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var eku = new OidCollection();
        foreach (var usage in usages) eku.Add(usage);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(eku, false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (san is not null) request.CertificateExtensions.Add(san);

        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddYears(10) < Certificate.NotAfter ? now.AddYears(10) : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var generator = X509SignatureGenerator.CreateForECDsa(Key);
        return request.Create(Certificate.SubjectName, generator, now.AddHours(-1), notAfter, serial);
    }
}
