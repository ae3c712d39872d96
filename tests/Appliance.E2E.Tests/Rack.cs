using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Appliance.E2E.Tests;

/// <summary>
/// A simulated rack started the way `./build.sh run` starts it (tools/rack.sh), on a bridge, subnet and
/// ports of its own so that it never meets another rack on this machine; stopped (hosts, bridge and
/// all) and its folder removed at the end.
/// </summary>
internal sealed class Rack : IDisposable
{
    private Process _process = null!;
    private readonly System.Text.StringBuilder _output = new();

    /// <param name="cluster">Whether the hosts run the cluster service (appliance-cluster) when they boot.</param>
    public Rack(int nodes, string? boardFile = null, bool cluster = false)
    {
        for (int attempt = 1; ; attempt++)
        {
            Dir = Directory.CreateTempSubdirectory("rack-").FullName;
            Bridge = "aprk" + Guid.NewGuid().ToString("N")[..6];
            Subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(1, 250)}";
            IpmiBase = 20000 + (Random.Shared.Next(0, 200) * 100);
            RedfishBase = IpmiBase + 50;
            (_process, bool up) = Start(nodes, boardFile, cluster);
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

    private (Process, bool Up) Start(int nodes, string? boardFile, bool cluster)
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
                ["CLUSTER_BIN"] = cluster ? Path.Combine(AppContext.BaseDirectory, "appliance-cluster") : "",
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
        while (!ready.Wait(TimeSpan.FromMilliseconds(200)) && !process.HasExited && deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
        }

        return (process, ready.IsSet);
    }

    public string Dir { get; private set; } = "";
    public string Bridge { get; private set; } = "";
    public string Subnet { get; private set; } = "";
    public int IpmiBase { get; private set; }
    public int RedfishBase { get; private set; }

    /// <summary>This machine's address on the rack bridge.</summary>
    public string Gateway => $"{Subnet}.254";
    public IReadOnlyList<RackNode> Nodes { get; } = [];

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
        Directory.Delete(Dir, recursive: true);
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

        if (line.StartsWith("logs:", StringComparison.Ordinal))
        {
            ready.Set();
        }
    }
}

/// <summary>One node of a rack, as nodes.json describes it.</summary>
internal sealed record RackNode(
    int Node, int IpmiPort, string RedfishUrl, string User, string Password, string BoardSocket,
    string RackAddress, string AgentUrl, string HostDir, string SystemInterface)
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
        e.GetProperty("systemInterface").GetString()!);

    /// <summary>This node's hypervisor, as local clients (virsh) reach it.</summary>
    public string LibvirtUri => $"qemu:///system?socket={HostDir}/hypervisor/run/libvirt-sock";

    public (int Exit, string Output) Ipmitool(params string[] command) =>
        Command.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(CultureInfo.InvariantCulture),
            "-U", User, "-P", Password, "-C", "17", .. command]);

    /// <summary>The board as a person at the rack sees it (appliance-board-sim ctl status).</summary>
    public JsonElement BoardStatus()
    {
        (int code, string json) = Command.Run(Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"), ["ctl", "--socket", BoardSocket, "status"]);
        Assert.True(code == 0, json);
        using JsonDocument status = JsonDocument.Parse(json);
        return status.RootElement.Clone();
    }
}
