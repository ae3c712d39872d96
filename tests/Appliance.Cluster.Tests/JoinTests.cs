using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Tests;

/// <summary>A cluster "lab" (n1) with a host n2 that has not joined, and a second cluster "other" whose tokens lab must refuse.</summary>
public sealed class JoinFixture : IAsyncLifetime
{
    internal TestRack Lab { get; private set; } = null!;
    internal TestRack Other { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Lab = await TestRack.StartAsync(2, "lab", join: false);
        Other = await TestRack.StartAsync(1, "other");
    }

    public async Task DisposeAsync()
    {
        if (Lab is not null) await Lab.DisposeAsync();
        if (Other is not null) await Other.DisposeAsync();
    }
}

/// <summary>
/// Joining with a token through <c>appliance cluster join</c>, and every way a token is refused: the
/// refusal says what to do, and nothing is left behind — no node record, no etcd member, no certificate
/// on the host, no use taken from the token.
/// </summary>
public sealed class JoinTests(JoinFixture fixture) : IClassFixture<JoinFixture>
{
    private TestRack Lab => fixture.Lab;

    [Fact]
    public async Task A_valid_token_makes_the_host_a_member_and_takes_one_use()
    {
        var host = await Lab.AddNodeAsync();
        string token = await Lab.TokenAsync("--uses", "2");
        string id = token.Split('.')[0];

        var joined = await Lab.CliAsync("cluster", "join", token, "--server", Lab["n1"].Address, "--socket", host.ControlSocket);

        Assert.True(joined.Exit == 0, joined.ToString());
        Assert.Equal($"Joined cluster lab as {host.Name}.", joined.Stdout.Trim());
        await Wait.UntilAsync(async () => (await Lab.AdminJsonAsync("node", "show", host.Name)).GetProperty("state").GetString() == "ready", $"{host.Name} to be ready");
        var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(host.StateDirectory, "node.crt")));
        Assert.Equal($"CN=node:{host.Name}", certificate.Subject);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(host.StateDirectory, "node.key")));
        using var etcd = Lab.Etcd(Lab["n1"]);
        var record = await etcd.GetValueAsync(Keys.JoinTokens + id, StoreJsonContext.Default.TokenRecord);
        Assert.Equal((2, 1), (record!.Uses, record.UsesLeft));
        // Only the secret's hash is kept: the plain secret is in no key or value of the store, nor in any log.
        string secret = token.Split('.')[1];
        string stored = await Lab.StoredTextAsync(Lab["n1"]);
        Assert.Contains(Keys.JoinTokens + id + " ", stored);
        Assert.DoesNotContain(secret, stored);
        Assert.DoesNotContain(secret, File.ReadAllText(Path.Combine(Lab.Root, "n1", "etcd.log")) + host.Log + Lab["n1"].Log);
    }

    [Fact]
    public async Task A_token_is_50_characters_an_led_panel_can_type()
    {
        var token = await Lab.AdminJsonAsync("cluster", "join-token", "--ttl", "10m", "--uses", "3");
        Assert.Matches("^[a-z0-9]{6}\\.[a-z0-9]{16}\\.[a-z2-7]{26}$", token.GetProperty("token").GetString()!);
        Assert.Equal(3, token.GetProperty("uses").GetInt32());
        var expires = token.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        string token = await Lab.TokenAsync("--ttl", "1s");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await AssertRefusedAsync(token, $"^join token {token[..6]} expired at .*: make a new one with 'appliance cluster join-token'$", usesLeft: 1);
    }

    [Fact]
    public async Task A_used_up_token_is_refused()
    {
        string token = await Lab.TokenAsync("--uses", "1");
        var first = await Lab.AddNodeAsync();
        await Lab.JoinAsync(first, token);

        await AssertRefusedAsync(token, $"^join token {token[..6]} has been used up \\(1 use\\): make a new one with 'appliance cluster join-token --uses N'$", usesLeft: 0);
    }

    [Fact]
    public async Task A_forged_secret_is_refused_and_takes_no_use()
    {
        string token = await Lab.TokenAsync();
        string forged = token[..7] + new string(token[7..23].Reverse().ToArray()) + token[23..];
        Assert.NotEqual(token, forged);

        await AssertRefusedAsync(forged, $"^join token {token[..6]} has the wrong secret: it was mistyped or forged$", usesLeft: 1);
    }

    [Fact]
    public async Task A_token_this_cluster_never_issued_is_refused()
    {
        string real = await Lab.TokenAsync();
        string unknown = "zzzzzz.abcdefghij012345" + real[23..];

        await AssertRefusedAsync(unknown, "^this cluster did not issue join token zzzzzz \\(or it was deleted\\)", usesLeft: null);
    }

    [Fact]
    public async Task Another_clusters_token_is_refused_before_its_secret_is_sent()
    {
        string token = await fixture.Other.TokenAsync();

        await AssertRefusedAsync(token, $"^the token is for another cluster: {Regex.Escape(Lab["n1"].Address)}:7443 belongs to cluster 'lab' \\(CA [a-z2-7]{{26}}\\), the token's CA is {token[24..]}$", usesLeft: null);
        using var other = fixture.Other.Etcd();
        var record = await other.GetValueAsync(Keys.JoinTokens + token[..6], StoreJsonContext.Default.TokenRecord);
        Assert.Equal(1, record!.UsesLeft);
        Assert.DoesNotContain(token[..6], Lab["n1"].Log);
    }

    [Fact]
    public async Task A_malformed_token_or_server_is_refused_at_once()
    {
        await AssertRefusedAsync("not-a-token", "^the join token is not in the form id.secret.ca-hash: 6, 16 and 26 characters of a-z and 0-9, 50 in all$", usesLeft: null);
        string token = await Lab.TokenAsync();
        var result = await Lab.CliAsync("cluster", "join", token, "--server", "host:notaport", "--socket", Lab["n2"].ControlSocket);
        Assert.Equal((1, "appliance: the cluster address 'host:notaport' is not HOST or HOST:PORT"), (result.Exit, result.Stderr.Trim()));
        await AssertNothingJoinedAsync();
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_named()
    {
        string token = await Lab.TokenAsync();
        var result = await Lab.CliAsync("cluster", "join", token, "--server", "127.0.0.1:9", "--socket", Lab["n2"].ControlSocket);

        Assert.Equal(1, result.Exit);
        Assert.StartsWith("appliance: cannot reach the cluster API at https://127.0.0.1:9/", result.Stderr);
        await AssertNothingJoinedAsync();
    }

    /// <summary>n2 tries to join with <paramref name="token"/>: one line saying why not, and no trace of n2 anywhere.</summary>
    private async Task AssertRefusedAsync(string token, string reason, int? usesLeft)
    {
        var result = await Lab.CliAsync("cluster", "join", token, "--server", Lab["n1"].Address, "--socket", Lab["n2"].ControlSocket);

        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.StartsWith("appliance: ", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Matches(reason, result.Stderr.Trim()["appliance: ".Length..]);
        await AssertNothingJoinedAsync();
        if (usesLeft is { } left)
        {
            using var etcd = Lab.Etcd(Lab["n1"]);
            var record = await etcd.GetValueAsync(Keys.JoinTokens + token[..6], StoreJsonContext.Default.TokenRecord);
            Assert.Equal(left, record!.UsesLeft);
        }
    }

    private async Task AssertNothingJoinedAsync()
    {
        var n2 = Lab["n2"];
        using var etcd = Lab.Etcd(Lab["n1"]);
        Assert.Null(await etcd.GetValueAsync(Keys.Nodes + "n2", StoreJsonContext.Default.NodeRecord));
        Assert.DoesNotContain(await etcd.MembersAsync(), m => m.Name == "n2" || m.PeerURLs.Contains($"https://{n2.Address}:2380"));
        Assert.Equal(["control.sock"], Directory.GetFileSystemEntries(n2.StateDirectory).Select(Path.GetFileName));
        Assert.Null(n2.EtcdPid);
        var list = await Lab.AdminJsonAsync("node", "list");
        Assert.DoesNotContain(list.EnumerateArray(), n => n.GetProperty("node").GetString() == "n2");
    }
}
