using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Appliance.E2E.Tests;

/// <summary>
/// A simulated rack of two small nodes that forms its cluster as `./build.sh run` does (tools/rack.sh):
/// node1 powered on through its BMC and initialising the cluster; node2 enrolled by its BMC on the
/// rack's management network (the cluster makes its own account there), with a join token on its BMC,
/// dormant; every host with the guest's kernel and initrd. From then on the cluster powers the nodes
/// itself. The tests drive it with the appliance command, the administrator's credentials in cluster.json.
/// </summary>
public sealed class ClusterRack : IAsyncLifetime
{
    /// <summary>One processor of two threads and 4 GiB: two 3 GiB guests never fit on one node.</summary>
    public const int BoardThreads = 2;
    public const int BoardMemoryMiB = 4096;

    private readonly string _boardFile = Path.Combine(Path.GetTempPath(), $"cluster-board-{Guid.NewGuid():N}.json");
    private Rack? _rack;

    internal Rack Rack => _rack!;
    internal RackNode this[int k] => Rack.Nodes[k - 1];
    public string ConfigPath => Rack.ClusterConfig;

    public async Task InitializeAsync()
    {
        try
        {
            await SetUpAsync();
        }
        catch
        {
            // A rack half set up is stopped here: a fixture that failed to start may not be disposed.
            await DisposeAsync();
            throw;
        }
    }

    private async Task SetUpAsync()
    {
        File.WriteAllText(_boardFile, SmallBoard.Json(BoardThreads, BoardMemoryMiB));
        _rack = new Rack(2, _boardFile, cluster: true);

        // Quick windows, so that the cluster acts within a test's time; the marks and everything else are the defaults.
        await AdminOkAsync("cluster", "settings", "--set", "minimumOnTime=20s", "--set", "powerOffWindow=20s", "--set", "demandWindow=20s",
            "--set", "fenceAfter=5s", "--set", "softOffTimeout=1m", "--set", "powerOnTimeout=5m");
    }

    public Task DisposeAsync()
    {
        _rack?.Dispose();
        _rack = null;
        File.Delete(_boardFile);
        return Task.CompletedTask;
    }

    /// <summary>The appliance command as a person runs it.</summary>
    public static Task<(int Exit, string Output)> CliAsync(params string[] args) =>
        Task.Run(() => Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance"), args, TimeSpan.FromMinutes(10)));

    /// <summary>The appliance command with the administrator's credentials.</summary>
    public Task<(int Exit, string Output)> AdminAsync(params string[] args) => CliAsync([.. args, "--config", ConfigPath]);

    public async Task<string> AdminOkAsync(params string[] args)
    {
        (int exit, string output) = await AdminAsync(args);
        Assert.True(exit == 0, $"appliance {string.Join(' ', args)}: exit {exit}: {output}\n{Logs()}");
        return output;
    }

    public async Task<JsonElement> AdminJsonAsync(params string[] args)
    {
        string output = await AdminOkAsync([.. args, "--json"]);
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }

    public async Task<JsonElement> NodeAsync(string name) => await AdminJsonAsync("node", "show", name);

    /// <summary>The power log's entries about one node, oldest first, as (action, reason).</summary>
    public async Task<List<(string Action, string Reason)>> PowerLogAsync(string node) =>
        [.. (await AdminJsonAsync("power", "log", "--node", node)).EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("reason").GetString()!))];

    internal static string Ipmi(RackNode node, params string[] command)
    {
        (int exit, string output) = node.Ipmitool(command);
        Assert.True(exit == 0, $"ipmitool {string.Join(' ', command)} on node{node.Node}: {output}");
        return output;
    }

    /// <summary>The VMs the node's hypervisor runs (virsh on the host's libvirt socket); none when the host is off.</summary>
    internal static string[] VmsOn(RackNode node)
    {
        if (!File.Exists(Path.Combine(node.HostDir, "hypervisor", "run", "libvirt-sock")))
        {
            return [];
        }

        (int exit, string output) = Command.Run("virsh", ["-c", node.LibvirtUri, "list", "--name"]);
        return exit == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    }

    public async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"waited {limit.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s for {what}\n{Logs()}");
            await Task.Delay(1000);
        }
    }

    /// <summary>The ends of the hosts' cluster logs, for a failure's message.</summary>
    public string Logs() => string.Join("\n", Rack.Nodes.Select(n =>
    {
        string log = Path.Combine(n.HostDir, "log", "appliance-cluster.log");
        string text = File.Exists(log) ? File.ReadAllText(log) : "(no log)";
        return $"--- node{n.Node} appliance-cluster.log (end) ---\n{text[Math.Max(0, text.Length - 4000)..]}";
    }));
}
