using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Appliance.Cluster.Security;

/// <summary>
/// Who the cluster trusts: certificates its CA issued. Names are not checked (etcd's client reaches
/// members through a balancer that names none of them); the CA issues certificates to cluster nodes
/// and administrators only, so the chain is what counts.
/// </summary>
public static class ClusterTrust
{
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 ca, Oid usage)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        try
        {
            return chain.Build(certificate) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
        }
        finally
        {
            foreach (var element in chain.ChainElements) if (!ReferenceEquals(element.Certificate, certificate)) element.Certificate.Dispose();
        }
    }

    /// <summary>A validation callback that accepts servers the cluster CA issued.</summary>
    public static RemoteCertificateValidationCallback Server(X509Certificate2 ca) =>
        (_, certificate, _, _) => certificate is X509Certificate2 c && IsIssuedBy(c, ca, ServerAuth);

    /// <summary>Client authentication options for etcd and the cluster API: this certificate, servers the CA issued.</summary>
    public static SslClientAuthenticationOptions ClientOptions(X509Certificate2 ca, X509Certificate2 clientCertificate) => new()
    {
        RemoteCertificateValidationCallback = Server(ca),
        // Client certificates made in memory need their context so the key travels with them.
        ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, null, offline: true),
    };
}
