using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Appliance.Cluster.Api;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Security;
using Appliance.Cluster.State;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Membership;

/// <summary>
/// A node joining with a token: it fetches the cluster's CA and checks it against the token's hash
/// (a token for another cluster stops here, before the secret is sent), then posts its CSR, name,
/// addresses and capacity over TLS verified by that CA, authenticated by the token's secret, and
/// keeps what comes back: its certificate, the CA, the cluster key and etcd's endpoints.
/// </summary>
public sealed class JoinClient(ClusterOptions options, StateFiles files, ILogger<JoinClient> logger)
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <exception cref="JoinRefusedException">The token is malformed, for another cluster, or the cluster refused it.</exception>
    /// <exception cref="JoinUnreachableException">The cluster API could not be reached.</exception>
    public async Task<NodeIdentity> JoinAsync(string? tokenText, string? server, CancellationToken ct)
    {
        if (!JoinToken.TryParse(tokenText, out var token))
            throw new JoinRefusedException($"the join token is not in the form {JoinToken.Form}");
        if (!HostPort.TryParse(server, 7443, out string host, out int port))
            throw new JoinRefusedException($"the cluster address '{server}' is not HOST or HOST:PORT");
        var baseAddress = new Uri($"https://{HostPort.Format(host, port)}/");

        var ca = await FetchCaAsync(baseAddress, token, ct);
        var capacity = await AgentCapacity.ReadAsync(options.NodeAgent, ct);
        if (capacity is null)
            logger.LogWarning("The node agent at {Agent} did not give the node's capacity; joining without it, it is sent later", options.NodeAgent);

        using var nodeKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string csr = new CertificateRequest($"CN={ClusterCa.NodePrefix}{options.NodeName}", nodeKey, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var request = new JoinRequest(token.Id, token.Secret, options.NodeName, options.RackAddress.ToString(), csr, capacity,
            BmcEndpointSetting(options), options.Listen.ToString().TrimEnd('/'), options.NodeAgent.ToString().TrimEnd('/'),
            options.EtcdClientUrl.ToString().TrimEnd('/'), options.EtcdPeerUrl.ToString().TrimEnd('/'));

        using var http = Client(baseAddress, new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = ClusterTrust.Server(ca) } });
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("api/v1/join", request, ClusterJsonContext.Default.JoinRequest, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new JoinUnreachableException($"cannot reach the cluster API at {baseAddress}: {e.Message}", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string reason = await ErrorText(response, ct);
                if ((int)response.StatusCode is >= 400 and < 500) throw new JoinRefusedException(reason);
                throw new JoinUnreachableException($"the cluster API at {baseAddress} failed: {reason}");
            }

            var joined = await response.Content.ReadFromJsonAsync(ClusterJsonContext.Default.JoinResponse, ct)
                ?? throw new JoinUnreachableException("the cluster API answered the join with nothing");
            var certificate = X509Certificate2.CreateFromPem(joined.Certificate);
            if (!certificate.PublicKey.EncodedKeyValue.RawData.SequenceEqual(new PublicKey(nodeKey).EncodedKeyValue.RawData)
                || !ClusterTrust.IsIssuedBy(certificate, ca, ClusterTrust.ClientAuth))
                throw new JoinUnreachableException("the cluster answered with a certificate that is not for this node's key or not from its CA");

            var identity = new NodeIdentity(
                new State.Membership(joined.Cluster, options.NodeName, joined.EtcdEndpoints, joined.ApiEndpoints),
                ca, ECDsaCertificateExtensions.CopyWithPrivateKey(certificate, nodeKey), new ClusterKey(Convert.FromBase64String(joined.ClusterKey)));
            files.SaveIdentity(identity, nodeKey);
            logger.LogInformation("Joined cluster {Cluster} as {Node} through {Server}", joined.Cluster, options.NodeName, baseAddress);
            return identity;
        }
    }

    /// <summary>The BMC endpoint from the settings, when given; otherwise the node finds it in-band after joining.</summary>
    public static BmcEndpoint? BmcEndpointSetting(ClusterOptions options) =>
        options.BmcEndpoint is { } text && HostPort.TryParse(text, 623, out string host, out int port) ? new BmcEndpoint(host, port) : null;

    private async Task<X509Certificate2> FetchCaAsync(Uri baseAddress, JoinToken token, CancellationToken ct)
    {
        // Nothing secret travels on this connection; what it brings is checked against the token.
        using var http = Client(baseAddress, new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        CaResponse? answer;
        try
        {
            answer = await http.GetFromJsonAsync("api/v1/cluster/ca", ClusterJsonContext.Default.CaResponse, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            throw new JoinUnreachableException($"cannot reach the cluster API at {baseAddress}: {e.Message}", e);
        }

        if (answer is null) throw new JoinUnreachableException($"the cluster API at {baseAddress} sent no CA certificate");
        var ca = X509Certificate2.CreateFromPem(answer.CaCertificate);
        string hash = ClusterCa.Hash(ca);
        if (hash != token.CaHash)
            throw new JoinRefusedException($"the token is for another cluster: {baseAddress.Authority} belongs to cluster '{answer.Cluster}' (CA {hash}), the token's CA is {token.CaHash}");
        return ca;
    }

    private static HttpClient Client(Uri baseAddress, SocketsHttpHandler handler) =>
        new(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = RequestTimeout };

    private static async Task<string> ErrorText(HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(text, NodeJsonContext.Default.ApiError)?.Error ?? $"HTTP {(int)response.StatusCode}";
        }
        catch (System.Text.Json.JsonException)
        {
            return $"HTTP {(int)response.StatusCode}: {text}";
        }
    }
}
