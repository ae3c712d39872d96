using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Cluster.Api;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Security;
using Appliance.Cluster.Store;
using Appliance.Node.Api;
using Appliance.Node.Configuration;

namespace Appliance.Cluster.Membership;

/// <summary>
/// The cluster's side of a join (any member serves it): the token's secret is checked against its
/// hash, its expiry and uses; the node's CSR is signed with the CA; one etcd transaction takes a use
/// and writes the node's record. A refusal changes nothing.
/// </summary>
public sealed class JoinService(ClusterMember member, ILogger<JoinService> logger)
{
    public async Task<JoinResponse> JoinAsync(JoinRequest? request, CancellationToken ct)
    {
        var store = member.RequireStore();
        var identity = member.RequireIdentity();
        if (request is null) throw ApiException.BadRequest("", "the request body must be a join request");
        if (request.TokenId is not { Length: JoinToken.IdLength } || request.Secret is not { Length: JoinToken.SecretLength })
            throw ApiException.BadRequest("tokenId", $"tokenId and secret are the first two parts of a join token ({JoinToken.Form})");
        if (!Names.IsValid(request.Node))
            throw ApiException.BadRequest("node", request.Node is null ? "node is required" : $"node name '{request.Node}' is invalid: {Names.Rule}");
        if (!IPAddress.TryParse(request.RackAddress, out var rackAddress))
            throw ApiException.BadRequest("rackAddress", "rackAddress must be the node's IP address on the rack network");
        foreach (var (field, value) in new[] { ("clusterApi", request.ClusterApi), ("nodeAgent", request.NodeAgent), ("etcdClientUrl", request.EtcdClientUrl), ("etcdPeerUrl", request.EtcdPeerUrl) })
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw ApiException.BadRequest(field, $"{field} must be an http(s) URL");
        if (request.Capacity is { } capacity && (capacity.Cpus < 1 || capacity.MemoryMiB < 1))
            throw ApiException.BadRequest("capacity", "capacity needs at least one CPU and some memory");
        CertificateRequest csr;
        try
        {
            csr = CertificateRequest.LoadSigningRequestPem(request.Csr ?? "", HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw ApiException.BadRequest("csr", $"csr is not a PEM certificate signing request with a valid signature: {e.Message}");
        }
        if (!AcceptableKey(csr.PublicKey))
            throw ApiException.BadRequest("csr", "the CSR's key must be ECDSA P-256 or P-384, or RSA of 2048 bits or more");

        for (int attempt = 0; ; attempt++)
        {
            var entry = await store.GetEntryAsync(Keys.JoinTokens + request.TokenId, StoreJsonContext.Default.TokenRecord, ct);
            string tokenText = request.TokenId;
            if (entry is null)
                throw Refused($"this cluster did not issue join token {tokenText} (or it was deleted): check it, or make a new one with 'appliance cluster join-token'");
            var token = entry.Value;
            if (!JoinToken.SecretMatches(request.Secret, token.SecretHash))
                throw Refused($"join token {tokenText} has the wrong secret: it was mistyped or forged");
            if (token.ExpiresAt <= DateTimeOffset.UtcNow)
                throw Refused($"join token {tokenText} expired at {token.ExpiresAt:yyyy-MM-dd HH:mm:ss}Z: make a new one with 'appliance cluster join-token'");
            if (token.UsesLeft <= 0)
                throw Refused($"join token {tokenText} has been used up ({token.Uses} use{(token.Uses == 1 ? "" : "s")}): make a new one with 'appliance cluster join-token --uses N'");

            string nodeKey = Keys.Nodes + request.Node;
            var (existing, nodeRevision) = await store.GetAsync(nodeKey, StoreJsonContext.Default.NodeRecord, ct);
            var (alive, _) = await store.GetAsync(Keys.Alive + request.Node, StoreJsonContext.Default.AliveRecord, ct);
            if (alive is not null)
                throw new ApiException(StatusCodes.Status409Conflict, $"a node named '{request.Node}' is already a member and up: give this node another name (setting Cluster:NodeName)", "node");

            var cluster = await store.GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct)
                ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "etcd holds no cluster record");
            var ca = ClusterCa.Import(identity.Ca, identity.ClusterKey.Open(cluster.CaKeySealed, Keys.Cluster));
            var certificate = ca.IssueNode(request.Node!, rackAddress, csr.PublicKey);

            var record = new NodeRecord(request.Node!, NodeRecord.Joining, rackAddress.ToString(), request.ClusterApi, request.NodeAgent,
                request.EtcdClientUrl, request.EtcdPeerUrl, request.Capacity ?? existing?.Capacity, request.Bmc ?? existing?.Bmc,
                existing?.EnrolledAt, DateTimeOffset.UtcNow);
            var used = token with { UsesLeft = token.UsesLeft - 1 };
            var txn = await store.TxnAsync(
                [EtcdStore.Unchanged(Keys.JoinTokens + token.Id, entry.ModRevision), EtcdStore.Unchanged(nodeKey, nodeRevision)],
                [
                    EtcdStore.PutOp(Keys.JoinTokens + token.Id, used, StoreJsonContext.Default.TokenRecord, entry.Lease),
                    EtcdStore.PutOp(nodeKey, record, StoreJsonContext.Default.NodeRecord),
                ], ct: ct);
            if (!txn.Succeeded)
            {
                if (attempt < 5) continue; // another join used the token or wrote the node meanwhile: look again
                throw new ApiException(StatusCodes.Status409Conflict, "the token or the node's record kept changing during the join; try again");
            }

            var members = await store.MembersAsync(ct);
            var nodes = await store.ListAsync(Keys.Nodes, StoreJsonContext.Default.NodeRecord, ct);
            logger.LogInformation("Node {Node} ({Address}) joined with token {Token} ({Left} use(s) left)", request.Node, rackAddress, token.Id, used.UsesLeft);
            return new JoinResponse(identity.ClusterName, certificate.ExportCertificatePem(), identity.Ca.ExportCertificatePem(),
                Convert.ToBase64String(identity.ClusterKey.Export()),
                members.Where(m => !m.IsLearner).SelectMany(m => m.ClientURLs).ToList(),
                nodes.Select(n => n.Value.ClusterApi).OfType<string>().ToList());
        }
    }

    private static bool AcceptableKey(PublicKey key)
    {
        if (key.GetECDsaPublicKey() is { } ec)
        {
            using (ec) return ec.KeySize is 256 or 384;
        }
        if (key.GetRSAPublicKey() is { } rsa)
        {
            using (rsa) return rsa.KeySize >= 2048;
        }
        return false;
    }

    private static ApiException Refused(string message) => new(StatusCodes.Status403Forbidden, message, "token");
}
