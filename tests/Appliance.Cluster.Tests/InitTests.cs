using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Cluster.Etcd;

namespace Appliance.Cluster.Tests;

/// <summary><c>appliance cluster init</c> on the first host, and what the administrator gets.</summary>
public sealed class InitTests
{
    [Fact]
    public async Task Init_creates_the_cluster_with_this_node_as_controller_and_only_voter()
    {
        await using var rack = await TestRack.StartAsync(1);
        var n1 = rack["n1"];

        using (var file = JsonDocument.Parse(File.ReadAllText(rack.ConfigPath)))
        {
            var credentials = file.RootElement;
            Assert.Equal("lab", credentials.GetProperty("cluster").GetString());
            Assert.Equal([n1.ApiUrl], credentials.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
            var certificate = X509Certificate2.CreateFromPem(credentials.GetProperty("certificate").GetString(), credentials.GetProperty("key").GetString());
            Assert.StartsWith("CN=admin:", certificate.Subject);
            Assert.True(certificate.HasPrivateKey);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(rack.ConfigPath));
        }

        var status = await rack.AdminJsonAsync("cluster", "status");
        Assert.Equal("lab", status.GetProperty("name").GetString());
        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("cluster", "status")).GetProperty("controller").GetString() == "n1", "n1 to be the controller");
        var member = Assert.Single(status.GetProperty("members").EnumerateArray());
        Assert.Equal("n1", member.GetProperty("name").GetString());
        Assert.Equal("voter", member.GetProperty("role").GetString());
        Assert.True(member.GetProperty("leader").GetBoolean());

        var node = Assert.Single((await rack.AdminJsonAsync("node", "list")).EnumerateArray());
        Assert.Equal("n1", node.GetProperty("node").GetString());
        Assert.Equal("ready", node.GetProperty("state").GetString());
        Assert.Equal(n1.Address, node.GetProperty("rackAddress").GetString());
        Assert.Equal("voter", node.GetProperty("seat").GetString());

        var table = await rack.AdminAsync("node", "list");
        Assert.Equal(0, table.Exit);
        Assert.Matches($@"n1 \*\s+ready\s+-\s+{Regex(n1.Address)}\s+voter", table.Stdout);
    }

    [Fact]
    public async Task A_second_init_is_refused_and_changes_nothing()
    {
        await using var rack = await TestRack.StartAsync(1);
        string before = File.ReadAllText(Path.Combine(rack["n1"].StateDirectory, "ca.crt"));

        var again = await rack.CliAsync("cluster", "init", "other", "--socket", rack["n1"].ControlSocket);

        Assert.Equal(1, again.Exit);
        Assert.Equal("appliance: this node is already a member of cluster 'lab'", again.Stderr.Trim());
        Assert.Equal(before, File.ReadAllText(Path.Combine(rack["n1"].StateDirectory, "ca.crt")));
        Assert.Equal("lab", (await rack.AdminJsonAsync("cluster", "status")).GetProperty("name").GetString());
        using var etcd = rack.Etcd();
        Assert.Single(await etcd.MembersAsync());
    }

    [Fact]
    public async Task Init_with_a_bad_name_says_why_and_leaves_the_host_as_it_was()
    {
        await using var rack = await TestRack.StartAsync(1, cluster: "");
        var n1 = rack["n1"];

        var bad = await rack.CliAsync("cluster", "init", "Bad_Name", "--socket", n1.ControlSocket);

        Assert.Equal(1, bad.Exit);
        Assert.Equal("appliance: cluster name 'Bad_Name' is invalid: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit", bad.Stderr.Trim());
        Assert.Empty(bad.Stdout);
        Assert.Equal(["control.sock"], Directory.GetFileSystemEntries(n1.StateDirectory).Select(Path.GetFileName));
        Assert.Null(n1.EtcdPid);
        var status = await rack.CliAsync("cluster", "status", "--config", rack.ConfigPath);
        Assert.Equal(1, status.Exit);
        Assert.Contains("cannot read the cluster credentials", status.Stderr);
    }

    [Fact]
    public async Task The_api_wants_a_certificate_from_the_clusters_ca()
    {
        await using var rack = await TestRack.StartAsync(1);
        using var config = JsonDocument.Parse(File.ReadAllText(rack.ConfigPath));
        var trustClusterCa = Trusting(X509Certificate2.CreateFromPem(config.RootElement.GetProperty("caCertificate").GetString()));

        using (var anonymous = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = trustClusterCa } }))
        {
            using var response = await anonymous.GetAsync($"{rack["n1"].ApiUrl}/api/v1/nodes");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("needs the cluster administrator's client certificate", await response.Content.ReadAsStringAsync());
        }

        // A certificate that looks right but comes from another CA.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=admin:mallory", key, HashAlgorithmName.SHA256);
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var impostor = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = trustClusterCa, ClientCertificateContext = SslStreamCertificateContext.Create(stranger, null, offline: true) },
        });
        using (var response = await impostor.GetAsync($"{rack["n1"].ApiUrl}/api/v1/nodes"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("is not from cluster lab's CA", await response.Content.ReadAsStringAsync());
        }

        // The CA itself is public: a joining node checks it against its token.
        using var caAnswer = await new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = trustClusterCa } })
            .GetAsync($"{rack["n1"].ApiUrl}/api/v1/cluster/ca");
        Assert.Equal(HttpStatusCode.OK, caAnswer.StatusCode);
    }

    [Fact]
    public async Task Etcd_serves_only_clients_and_peers_with_a_certificate_from_the_clusters_ca()
    {
        await using var rack = await TestRack.StartAsync(1);
        var n1 = rack["n1"];
        using var config = JsonDocument.Parse(File.ReadAllText(rack.ConfigPath));
        var credentials = config.RootElement;
        var trustClusterCa = Trusting(X509Certificate2.CreateFromPem(credentials.GetProperty("caCertificate").GetString()));
        using var admin = X509Certificate2.CreateFromPem(credentials.GetProperty("certificate").GetString(), credentials.GetProperty("key").GetString());
        using var node = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(n1.StateDirectory, "node.crt")), File.ReadAllText(Path.Combine(n1.StateDirectory, "node.key")));
        // etcd's JSON gateway on the client URL: a range read of the cluster's record (keys are base64).
        string range = $$"""{"key":"{{Convert.ToBase64String("/appliance/cluster"u8)}}"}""";
        string peerMembers = $"https://{n1.Address}:2380/members";

        using (var anonymous = Client(trustClusterCa, null))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.PostAsync($"{n1.EtcdUrl}/v3/kv/range", new StringContent(range)));
            await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync(peerMembers));
        }

        // The same calls, with the administrator's certificate as a client and the node's as a peer.
        using (var client = Client(trustClusterCa, admin))
        {
            using var answer = await client.PostAsync($"{n1.EtcdUrl}/v3/kv/range", new StringContent(range));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            using var kvs = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            Assert.Equal("1", kvs.RootElement.GetProperty("count").GetString());
        }

        using (var peer = Client(trustClusterCa, node))
        {
            using var answer = await peer.GetAsync(peerMembers);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("n1", await answer.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_member_that_restarts_is_back_without_a_token()
    {
        await using var rack = await TestRack.StartAsync(1);
        var n1 = rack["n1"];
        await n1.StopAsync();
        Assert.Null(n1.EtcdPid);

        await n1.StartAsync();

        await Wait.UntilAsync(async () => await rack.AdminAsync("node", "list", "--json") is { Exit: 0 } list && list.Json[0].GetProperty("state").GetString() == "ready",
            "n1 to be ready again");
        await Wait.UntilAsync(async () => (await rack.AdminJsonAsync("cluster", "status")).GetProperty("controller").GetString() == "n1", "n1 to lead again");
        Assert.Contains("Member n1 of cluster lab", n1.Log);
    }

    private static RemoteCertificateValidationCallback Trusting(X509Certificate2 ca) => (_, certificate, _, _) =>
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build((X509Certificate2)certificate!);
    };

    private static HttpClient Client(RemoteCertificateValidationCallback trust, X509Certificate2? certificate) => new(new SocketsHttpHandler
    {
        SslOptions =
        {
            RemoteCertificateValidationCallback = trust,
            ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true),
        },
    });

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
