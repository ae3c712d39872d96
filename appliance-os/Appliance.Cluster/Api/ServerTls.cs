using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Appliance.Cluster.Membership;
using Appliance.Cluster.State;

namespace Appliance.Cluster.Api;

/// <summary>
/// The cluster API's TLS: the node's certificate with the CA behind it, and a request for the
/// caller's certificate (optional: a joining node has none; the routes that need one check it).
/// Before the node has joined there is no certificate, and handshakes are refused.
/// </summary>
public sealed class ServerTls(ClusterMember member)
{
    private (NodeIdentity Identity, SslStreamCertificateContext Context)? _current;

    public SslServerAuthenticationOptions Options()
    {
        var identity = member.Identity ?? throw new AuthenticationException("this node is not a member of a cluster yet");
        var current = _current;
        if (current is null || !ReferenceEquals(current.Value.Identity, identity))
        {
            current = (identity, SslStreamCertificateContext.Create(identity.Certificate, new X509Certificate2Collection(identity.Ca), offline: true));
            _current = current;
        }
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = current.Value.Context,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // judged per route: see Callers
        };
    }
}
