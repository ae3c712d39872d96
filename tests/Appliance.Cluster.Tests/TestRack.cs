using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Cluster.Etcd;
using Google.Protobuf;

namespace Appliance.Cluster.Tests;

/// <summary>What the appliance command printed and how it exited.</summary>
internal sealed record CliResult(int Exit, string Stdout, string Stderr)
{
    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement.Clone();

    public override string ToString() => $"exit {Exit}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// A rack of cluster services on loopback (127.A.B.k, one address per node), each with its own disk
/// in a temporary folder; the administrator's credentials in cluster.json there. Nodes join with
/// tokens through <c>appliance cluster join</c>, as a person on each host would. Everything is
/// stopped and removed at the end.
/// </summary>
internal sealed class TestRack : IAsyncDisposable
{
    private readonly string _prefix = Addresses.NextRack();
    private readonly List<ClusterNode> _nodes = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("cluster-rack-").FullName;
    public string ConfigPath => Path.Combine(Root, "cluster.json");
    public IReadOnlyList<ClusterNode> Nodes => _nodes;
    public ClusterNode this[string name] => _nodes.Single(n => n.Name == name);

    /// <summary>Starts <paramref name="count"/> services n1..nN; n1 initialises cluster <paramref name="cluster"/> and the others join it.</summary>
    public static async Task<TestRack> StartAsync(int count, string cluster = "lab", bool join = true, Func<string, Dictionary<string, string>>? settings = null)
    {
        var rack = new TestRack();
        try
        {
            for (int k = 1; k <= count; k++) await rack.AddNodeAsync(settings?.Invoke($"n{k}"));
            if (cluster.Length > 0)
            {
                var init = await rack.CliAsync("cluster", "init", cluster, "--socket", rack.Nodes[0].ControlSocket, "--config", rack.ConfigPath);
                Assert.True(init.Exit == 0, $"cluster init: {init}\n{rack.Nodes[0].Log}");
                if (join)
                {
                    foreach (var node in rack.Nodes.Skip(1)) await rack.JoinAsync(node);
                }
            }
            return rack;
        }
        catch
        {
            await rack.DisposeAsync();
            throw;
        }
    }

    public async Task<ClusterNode> AddNodeAsync(Dictionary<string, string>? settings = null)
    {
        string name = $"n{_nodes.Count + 1}";
        var node = await ClusterNode.StartAsync(name, $"{_prefix}.{_nodes.Count + 1}", Path.Combine(Root, name), settings);
        _nodes.Add(node);
        return node;
    }

    public async Task<string> TokenAsync(params string[] options)
    {
        var token = await AdminAsync(["cluster", "join-token", .. options]);
        Assert.True(token.Exit == 0, token.ToString());
        return token.Stdout.Trim();
    }

    public async Task JoinAsync(ClusterNode node, string? token = null)
    {
        var joined = await CliAsync("cluster", "join", token ?? await TokenAsync(), "--server", Nodes[0].Address, "--socket", node.ControlSocket);
        Assert.True(joined.Exit == 0, $"{node.Name} join: {joined}\n{node.Log}");
    }

    /// <summary>The appliance command as a person runs it (no credentials added).</summary>
    public Task<CliResult> CliAsync(params string[] args) => Task.Run(() =>
    {
        var (exit, stdout, stderr) = Tool.RunSplit(Repo.Exe("appliance"), args, TimeSpan.FromMinutes(4), workingDirectory: Root);
        return new CliResult(exit, stdout, stderr);
    });

    /// <summary>The appliance command with the administrator's credentials (--config cluster.json).</summary>
    public Task<CliResult> AdminAsync(params string[] args) => CliAsync([.. args, "--config", ConfigPath]);

    public async Task<JsonElement> AdminJsonAsync(params string[] args)
    {
        var result = await AdminAsync([.. args, "--json"]);
        Assert.True(result.Exit == 0, $"appliance {string.Join(' ', args)}: {result}");
        return result.Json;
    }

    /// <summary>etcd itself, with the administrator's certificate (which the cluster's CA issued), for checking what the cluster stored.</summary>
    public EtcdStore Etcd(params ClusterNode[] through)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(ConfigPath));
        var root = config.RootElement;
        var ca = X509Certificate2.CreateFromPem(root.GetProperty("caCertificate").GetString());
        var certificate = X509Certificate2.CreateFromPem(root.GetProperty("certificate").GetString(), root.GetProperty("key").GetString());
        var nodes = through.Length > 0 ? through : _nodes.Where(n => n.Running && n.EtcdPid is not null).ToArray();
        return new EtcdStore(ca, certificate, nodes.Select(n => n.EtcdUrl));
    }

    /// <summary>Every key and value etcd holds, one "key value" a line: what an attacker with the store's data would read.</summary>
    public async Task<string> StoredTextAsync(params ClusterNode[] through)
    {
        using var etcd = Etcd(through);
        // A range from "\0" to "\0" is etcd's way of saying every key.
        var everything = await etcd.Client.GetAsync(new Etcdserverpb.RangeRequest { Key = ByteString.CopyFrom(0), RangeEnd = ByteString.CopyFrom(0) });
        return string.Join('\n', everything.Kvs.Select(kv => kv.Key.ToStringUtf8() + " " + kv.Value.ToStringUtf8()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A socket file still being unlinked; the folder is under /tmp.
        }
    }
}
