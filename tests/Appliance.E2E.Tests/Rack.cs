using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Appliance.E2E.Tests;

/// <summary>
/// A simulated rack started the way `./build.sh run` starts it (tools/rack.sh), on a bridge, subnet and
/// ports of its own so that it never meets another rack on this machine; stopped (hosts, bridge and
/// all) and its folder removed at the end. With <c>cluster</c>, the hosts run the cluster service and
/// the rack forms the cluster as `./build.sh run` does (node 1 initialises it, the others get join
/// tokens on their BMCs); the rack is up once it says "node 1 ready".
/// </summary>
internal sealed class Rack : IDisposable
{
    private Process _process = null!;
    private readonly System.Text.StringBuilder _output = new();

    /// <summary>The longest rack.sh may wait for node 1's host to boot and form the cluster (a loaded two-core machine).</summary>
    private static readonly TimeSpan ClusterLimit = TimeSpan.FromMinutes(12);

    private readonly bool _cluster;

    public Rack(int nodes, string? boardFile = null, bool cluster = false)
    {
        _cluster = cluster;
        for (int attempt = 1; ; attempt++)
        {
            Dir = Directory.CreateTempSubdirectory("rack-").FullName;
            Bridge = "aprk" + Guid.NewGuid().ToString("N")[..6];
            Subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(1, 250)}";
            IpmiBase = 20000 + (Random.Shared.Next(0, 200) * 100);
            RedfishBase = IpmiBase + 50;
            (_process, bool up) = Start(nodes, boardFile);
            if (up)
            {
                break;
            }

            string output = Output;
            Dispose();
            // Someone else's network on the subnet picked at random: pick another.
            if (attempt == 3 || !output.Contains("set RACK_", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("the rack did not come up:\n" + output);
            }

            lock (_output)
            {
                _output.Clear();
            }
        }

        try
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "nodes.json")));
            Nodes = [.. json.RootElement.EnumerateArray().Select(RackNode.From)];
        }
        catch
        {
            // Nobody disposes an object whose constructor threw: the running rack stops here.
            Dispose();
            throw;
        }
    }

    private (Process, bool Up) Start(int nodes, string? boardFile)
    {
        var info = new ProcessStartInfo(Path.Combine(Repo.Root, "tools", "rack.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["RACK_NODES"] = nodes.ToString(CultureInfo.InvariantCulture),
                ["RACK_DIR"] = Dir,
                ["RACK_SUBNET"] = Subnet,
                ["RACK_BRIDGE"] = Bridge,
                ["RACK_IPMI_PORT"] = IpmiBase.ToString(CultureInfo.InvariantCulture),
                ["RACK_REDFISH_PORT"] = RedfishBase.ToString(CultureInfo.InvariantCulture),
                ["BMC_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance-bmc"),
                ["BOARD_SIM_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"),
                ["NODE_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance-node"),
                ["CLUSTER_BIN"] = _cluster ? Path.Combine(AppContext.BaseDirectory, "appliance-cluster") : "",
                ["CLI_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance"),
                ["RACK_WAIT"] = ((int)ClusterLimit.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                // Hosts come with the test guest's images only in a cluster rack: other tests import what they need themselves.
                ["RACK_GUEST"] = _cluster ? Path.Combine(Repo.Root, ".cache", "guest") : "",
            },
        };
        if (boardFile is not null)
        {
            info.Environment["RACK_BOARD"] = boardFile;
        }

        Process process = Process.Start(info)!;
        var ready = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) => Collect(e.Data, ready);
        process.ErrorDataReceived += (_, e) => Collect(e.Data, ready);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        TimeSpan limit = _cluster ? ClusterLimit + TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(120);
        while (!ready.Wait(TimeSpan.FromMilliseconds(200)) && !process.HasExited && deadline.Elapsed < limit)
        {
        }

        return (process, ready.IsSet);
    }

    public string Dir { get; private set; } = "";
    public string Bridge { get; private set; } = "";
    public string Subnet { get; private set; } = "";
    public int IpmiBase { get; private set; }
    public int RedfishBase { get; private set; }
    public IReadOnlyList<RackNode> Nodes { get; } = [];

    /// <summary>The administrator's credentials rack.sh wrote when node 1 initialised the cluster.</summary>
    public string ClusterConfig => Path.Combine(Dir, "cluster.json");

    /// <summary>The appliance command against this rack's cluster, with --json.</summary>
    public (int Exit, string Output) Appliance(params string[] command) =>
        Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance"), [.. command, "--config", ClusterConfig, "--json"]);

    /// <summary>The appliance command's JSON answer; a failure fails the test with the command's output.</summary>
    public JsonElement ApplianceJson(params string[] command)
    {
        (int exit, string output) = Appliance(command);
        Assert.True(exit == 0, $"appliance {string.Join(' ', command)}: {output}");
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.Clone();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        Command.Run("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(150)))
        {
            // A rack that does not stop in time is cut off, and what it would have cleaned up goes here.
            _process.Kill(entireProcessTree: true);
            foreach (string host in Directory.GetDirectories(Dir, "host", SearchOption.AllDirectories))
            {
                Command.Run(Path.Combine(Repo.Root, "appliance-os", "host", "host-os.sh"), ["kill", host]);
            }

            Command.Run("ip", ["link", "del", Bridge]);
        }

        _process.Dispose();
        // E2E_KEEP_RACK=1 leaves the logs and state of every node for a look after a failure.
        if (Environment.GetEnvironmentVariable("E2E_KEEP_RACK") is null) Directory.Delete(Dir, recursive: true);
    }

    private void Collect(string? line, ManualResetEventSlim ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (_cluster ? line.StartsWith("node 1 ready", StringComparison.Ordinal) : line.StartsWith("logs:", StringComparison.Ordinal))
        {
            ready.Set();
        }
    }
}

/// <summary>One node of a rack, as nodes.json describes it.</summary>
internal sealed record RackNode(
    int Node, int IpmiPort, string RedfishUrl, string User, string Password, string BoardSocket,
    string RackAddress, string AgentUrl, string HostDir, string SystemInterface, string BmcAddress)
{
    public static RackNode From(JsonElement e) => new(
        e.GetProperty("node").GetInt32(),
        e.GetProperty("ipmiPort").GetInt32(),
        e.GetProperty("redfishUrl").GetString()!,
        e.GetProperty("user").GetString()!,
        e.GetProperty("password").GetString()!,
        e.GetProperty("boardSocket").GetString()!,
        e.GetProperty("rackAddress").GetString()!,
        e.GetProperty("agentUrl").GetString()!,
        e.GetProperty("hostDir").GetString()!,
        e.GetProperty("systemInterface").GetString()!,
        e.GetProperty("bmcAddress").GetString()!);

    /// <summary>This node's hypervisor, as local clients (virsh) reach it.</summary>
    public string LibvirtUri => $"qemu:///system?socket={HostDir}/hypervisor/run/libvirt-sock";

    public (int Exit, string Output) Ipmitool(params string[] command) =>
        Command.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(CultureInfo.InvariantCulture),
            "-U", User, "-P", Password, "-C", "17", .. command]);

    /// <summary>ipmitool against the BMC's management address on the rack network, on IPMI's own port (623).</summary>
    public (int Exit, string Output) IpmitoolOnRack(params string[] command) =>
        Command.Run("ipmitool", ["-I", "lanplus", "-H", BmcAddress, "-U", User, "-P", Password, "-C", "17", .. command]);

    /// <summary>A Redfish resource through curl, as the administrator.</summary>
    public JsonElement Redfish(string path)
    {
        (int exit, string body) = Command.Run("curl", ["-sk", "--fail-with-body", "-u", $"{User}:{Password}", RedfishUrl + path]);
        Assert.True(exit == 0, $"GET {path}: {body}");
        using JsonDocument json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>What the host last reported to its BMC and what it joins with: Managers/bmc Oem.Appliance.Cluster.</summary>
    public JsonElement ClusterOem() => Redfish("/redfish/v1/Managers/bmc").GetProperty("Oem").GetProperty("Appliance").GetProperty("Cluster");

    /// <summary>Sets the join token and the cluster's address on the BMC, as an administrator does through Redfish.</summary>
    public void SetJoin(string token, string clusterAddress)
    {
        string body = JsonSerializer.Serialize(new { Oem = new { Appliance = new { Cluster = new { JoinToken = token, ClusterAddress = clusterAddress } } } });
        (int exit, string output) = Command.Run("curl", ["-sk", "--fail-with-body", "-u", $"{User}:{Password}", "-X", "PATCH",
            "-H", "Content-Type: application/json", "-d", body, RedfishUrl + "/redfish/v1/Managers/bmc"]);
        Assert.True(exit == 0, $"PATCH Oem.Appliance.Cluster: {output}");
    }

    /// <summary>The front panel's LCD, as the BMC mirrors it to Redfish.</summary>
    public string Lcd() => string.Join('\n', Redfish("/redfish/v1/Managers/bmc/Oem/Appliance/FrontPanel").GetProperty("Lines").EnumerateArray().Select(l => l.GetString()!.TrimEnd()));

    /// <summary>The board as a person at the rack sees it (appliance-board-sim ctl status).</summary>
    public JsonElement BoardStatus()
    {
        (int code, string json) = Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"), ["ctl", "--socket", BoardSocket, "status"]);
        Assert.True(code == 0, json);
        using JsonDocument status = JsonDocument.Parse(json);
        return status.RootElement.Clone();
    }
}
