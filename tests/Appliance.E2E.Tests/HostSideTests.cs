using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.E2E.Tests;

/// <summary>
/// A node's host side, as its board runs it: powered on through the BMC with ipmitool, the host boots
/// its own namespaces, hypervisor and agent on its rack address, with the board's capacity; its VMs
/// cost power; an ACPI soft-off shuts the VMs and services down before power drops; a hard off or a
/// reset leaves nothing of it running. The boards here fit one processor with two threads and one
/// 4 GiB DIMM, so that tiny guests can fail to fit and one busy guest shows on the power reading.
/// </summary>
public sealed partial class HostSideTests : IDisposable
{
    private const int BoardThreads = 2;
    private const int BoardMemoryMiB = 4096;
    private static readonly TimeSpan BootLimit = TimeSpan.FromMinutes(3);
    private static readonly string Guest = Path.Combine(Repo.Root, ".cache", "guest");

    private readonly string _boardFile = Path.Combine(Path.GetTempPath(), $"small-board-{Guid.NewGuid():N}.json");
    private readonly Rack _rack;
    private readonly HttpClient _agent;

    public HostSideTests()
    {
        File.WriteAllText(_boardFile, SmallBoard.Json(BoardThreads, BoardMemoryMiB));
        try
        {
            _rack = new Rack(1, _boardFile);
        }
        catch
        {
            File.Delete(_boardFile);
            throw;
        }

        try
        {
            _agent = new HttpClient { BaseAddress = new Uri(Node.AgentUrl + "/"), Timeout = TimeSpan.FromMinutes(3) };
        }
        catch
        {
            // Nobody disposes an object whose constructor threw: the rack stops here.
            Dispose();
            throw;
        }
    }

    private RackNode Node => _rack.Nodes[0];

    public void Dispose()
    {
        _agent?.Dispose();
        _rack.Dispose();
        File.Delete(_boardFile);
    }

    [Fact]
    public async Task A_bmc_power_on_boots_a_host_whose_agent_runs_vms_on_the_boards_capacity_and_a_soft_off_shuts_them_down_first()
    {
        Ipmi("chassis", "power", "on");
        JsonElement host = await WaitForAgentAsync();
        Assert.Equal("node1", host.GetProperty("hostname").GetString());
        Assert.Equal("tcg", host.GetProperty("acceleration").GetProperty("mode").GetString());

        // The capacity is the board's, the same the BMC reports, not this machine's.
        JsonElement capacity = (await GetAsync("api/v1/host/metrics")).GetProperty("capacity");
        Assert.Equal("smbios", capacity.GetProperty("source").GetString());
        Assert.Equal((BoardThreads, (long)BoardMemoryMiB), (capacity.GetProperty("cpus").GetInt32(), capacity.GetProperty("memoryMiB").GetInt64()));
        JsonElement system = Redfish("/redfish/v1/Systems/system");
        Assert.Equal(BoardThreads, system.GetProperty("ProcessorSummary").GetProperty("LogicalProcessorCount").GetInt32());
        Assert.Equal(BoardMemoryMiB / 1024.0, system.GetProperty("MemorySummary").GetProperty("TotalSystemMemoryGiB").GetDouble());

        await ImportGuestAsync();
        string tooBig = await PostAsync("api/v1/vms", Vm("too-big", memoryMiB: BoardMemoryMiB * 2), 400);
        Assert.Contains("memoryMiB", tooBig);
        Assert.Contains(BoardMemoryMiB.ToString(CultureInfo.InvariantCulture), tooBig);

        // The guest spins once its link goes down, so the same guest can be measured idle, then busy.
        const string BusyWhenUnplugged = "#!/bin/sh\n(while [ \"$(cat /sys/class/net/eth0/carrier)\" = 1 ]; do sleep 1; done\n"
            + " echo guest: busy > /dev/console\n while :; do :; done) &\n";
        JsonElement vm = JsonDocument.Parse(await PostAsync("api/v1/vms", Vm("worker", userData: BusyWhenUnplugged), 201)).RootElement;
        await WaitForConsoleAsync("worker", "APPLIANCE-GUEST-READY");
        Assert.Contains("worker", Tool("virsh", "-c", Node.LibvirtUri, "list", "--name"));
        (int holder, string netns) = HostNamespace();
        int qemu = QemuOf("worker");
        Assert.Equal(netns, NetworkNamespaceOf(qemu));

        // Idle first: the guest's boot is over once the board's host load has settled.
        await WaitUntilAsync(() => Node.BoardStatus().GetProperty("hostLoad").GetDouble() < 0.1, TimeSpan.FromMinutes(1), "the host load settles after the guest's boot");
        (int Dcmi, double Redfish) idle = await IdleReadingsAsync();
        string mac = vm.GetProperty("networks")[0].GetProperty("mac").GetString()!;
        Tool("virsh", "-c", Node.LibvirtUri, "domif-setlink", "worker", mac, "down");
        await WaitForConsoleAsync("worker", "guest: busy");
        // Both ways the BMC reports power see it: DCMI and Redfish's PowerSubsystem, read at the same moments.
        await WaitUntilAsync(() => PowerReadings() is var now && now.Dcmi >= idle.Dcmi + 30 && now.Redfish >= idle.Redfish + 30,
            TimeSpan.FromMinutes(1), $"the power readings (DCMI, Redfish) rise from {idle} W with the guest busy");

        string hostOsLog = Path.Combine(Node.HostDir, "log", "host-os.log");
        Ipmi("chassis", "power", "soft");
        await WaitUntilAsync(() => Ipmi("chassis", "power", "status").Contains("is off", StringComparison.Ordinal), BootLimit, "the host powers off after its shutdown");

        // The guest got its ACPI power button and shut itself down; libvirt says so in its log.
        string console = await File.ReadAllTextAsync(Path.Combine(Node.HostDir, "node", "vms", "worker", "console.log"));
        Assert.Contains("APPLIANCE-GUEST-POWEROFF", console);
        Assert.Contains("reason=shutdown", await File.ReadAllTextAsync(Path.Combine(Node.HostDir, "hypervisor", "log", "qemu", "worker.log")));
        // Then the services stopped, and only then did the host ask for S5.
        string[] steps = ["vm worker: ACPI shutdown", "vm worker: shut off", "appliance-node stopped", "hypervisor stopped", "requesting S5"];
        string log = await File.ReadAllTextAsync(hostOsLog);
        int[] at = [.. steps.Select(s => log.LastIndexOf(s, StringComparison.Ordinal))];
        Assert.True(at.All(i => i >= 0) && at.SequenceEqual(at.Order()), $"the host's shutdown went {string.Join(" -> ", steps)}:\n{log}");
        Assert.Contains("Application is shutting down", await File.ReadAllTextAsync(Path.Combine(Node.HostDir, "log", "appliance-node.log")));
        await NothingOfTheHostRunsAsync(netns);
        Assert.False(Running(holder));
    }

    [Fact]
    public async Task A_hard_power_off_leaves_nothing_of_the_host_and_a_reset_kills_it_and_boots_it_afresh()
    {
        Ipmi("chassis", "power", "on");
        await WaitForAgentAsync();
        await ImportGuestAsync();
        await PostAsync("api/v1/vms", Vm("worker"), 201);
        await WaitForConsoleAsync("worker", "APPLIANCE-GUEST-READY");
        (int firstHolder, _) = HostNamespace();
        int qemu = QemuOf("worker");

        // A reset is power gone for the host: everything dies, VMs too, and the next POST boots it again.
        Ipmi("chassis", "power", "reset");
        await WaitUntilAsync(() => !Running(qemu) && !Running(firstHolder), TimeSpan.FromSeconds(30), "the reset kills the host and its VMs");
        await WaitForAgentAsync();
        // A new host (the kernel may give its namespace the old one's number: the old one is gone).
        (int holder, string netns) = HostNamespace();
        Assert.NotEqual(firstHolder, holder);
        JsonElement worker = await GetAsync("api/v1/vms/worker");
        Assert.Equal("shutoff", worker.GetProperty("state").GetString());

        Ipmi("chassis", "power", "off");
        await WaitUntilAsync(() => Ipmi("chassis", "power", "status").Contains("is off", StringComparison.Ordinal), TimeSpan.FromMinutes(1), "a hard power-off");
        await NothingOfTheHostRunsAsync(netns);
        Assert.False(Running(holder));
        Assert.Equal("off", Node.BoardStatus().GetProperty("hostOs").GetString());
    }

    [Fact]
    public async Task A_board_that_stops_is_ac_power_lost_and_its_host_goes_with_it()
    {
        Ipmi("chassis", "power", "on");
        await WaitForAgentAsync();
        (int holder, string netns) = HostNamespace();
        int board = Processes().Single(p => p.CommandLine.Contains("appliance-board-sim serve", StringComparison.Ordinal)
            && p.CommandLine.Contains(Node.BoardSocket, StringComparison.Ordinal)).Pid;

        Tool("kill", "-TERM", board.ToString(CultureInfo.InvariantCulture));
        await WaitUntilAsync(() => !Running(board), TimeSpan.FromMinutes(1), "the board process stops");

        // The board killed its host on the way out (the rack's own clean-up after it says nothing in the board's log).
        Assert.Contains("host: power lost: killed", await File.ReadAllTextAsync(Path.Combine(_rack.Dir, "node1", "board.log")));
        await NothingOfTheHostRunsAsync(netns);
        Assert.False(Running(holder));
    }

    // ---- the host as the tests see it ----

    private (int Holder, string Netns) HostNamespace()
    {
        string pid = Tool(Path.Combine(Repo.Root, "appliance-os", "host", "host-os.sh"), "status", Node.HostDir).Trim();
        int holder = int.Parse(pid, CultureInfo.InvariantCulture);
        return (holder, NetworkNamespaceOf(holder));
    }

    private int QemuOf(string vm) =>
        int.Parse(File.ReadAllText(Path.Combine(Node.HostDir, "hypervisor", "run", "qemu", vm + ".pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>No process in the host's network namespace or with its folder on its command line (the board
    /// itself aside: it is on standby power), and nothing plugged into the rack's bridge.</summary>
    private async Task NothingOfTheHostRunsAsync(string netns)
    {
        string[] Left() => [.. ProcessesIn(netns).Concat(ProcessesNaming(Node.HostDir)).Distinct()];
        await WaitUntilAsync(() => Left().Length == 0, TimeSpan.FromSeconds(30), "nothing of the host runs");

        // The host's cable: host-os.sh names the machine's end after the host's folder.
        string veth = "vh" + Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(Node.HostDir)))[..10];
        Assert.False(Directory.Exists($"/sys/class/net/{veth}"), $"the host's link {veth} is still there");
        Assert.Empty(PortsOf(_rack.Bridge));
    }

    /// <summary>What is plugged into a bridge; none when the bridge itself is gone (the rack may take it down
    /// while the test looks, once the board that used it stops).</summary>
    private static string[] PortsOf(string bridge)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/sys/class/net/{bridge}/brif");
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    private static IEnumerable<string> ProcessesIn(string netns) =>
        Processes().Where(p => p.Netns == netns).Select(p => $"{p.Pid} {p.CommandLine}");

    private static IEnumerable<string> ProcessesNaming(string folder) =>
        Processes().Where(p => p.CommandLine.Contains(folder, StringComparison.Ordinal) && !p.CommandLine.Contains("appliance-board-sim serve", StringComparison.Ordinal))
            .Select(p => $"{p.Pid} {p.CommandLine}");

    private static IEnumerable<(int Pid, string? Netns, string CommandLine)> Processes()
    {
        foreach (string entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string? netns;
            string commandLine;
            try
            {
                netns = NetworkNamespaceOf(pid);
                commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;   // ended meanwhile, or a zombie: nothing runs there
            }

            yield return (pid, netns, commandLine);
        }
    }

    private static string NetworkNamespaceOf(int pid) =>
        new FileInfo($"/proc/{pid}/ns/net").LinkTarget ?? throw new IOException($"process {pid} has no network namespace");

    private static bool Running(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    // ---- the BMC ----

    private string Ipmi(params string[] command)
    {
        (int exit, string output) = Node.Ipmitool(command);
        Assert.True(exit == 0, $"ipmitool {string.Join(' ', command)}: {output}");
        return output;
    }

    private int PowerReading()
    {
        Match watts = InstantaneousPower().Match(Ipmi("dcmi", "power", "reading"));
        Assert.True(watts.Success, "dcmi power reading printed no instantaneous reading");
        return int.Parse(watts.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The main supply's output power on Redfish's PowerSubsystem (PowerSupplyMetrics.OutputPowerWatts).</summary>
    private double RedfishPowerReading() =>
        Redfish("/redfish/v1/Chassis/chassis/PowerSubsystem/PowerSupplies/PowerSupply0/Metrics").GetProperty("OutputPowerWatts").GetProperty("Reading").GetDouble();

    private (int Dcmi, double Redfish) PowerReadings() => (PowerReading(), RedfishPowerReading());

    /// <summary>
    /// The idle draw as the median of several readings a second apart: an idle TCG guest still wakes for its
    /// timers, and one reading taken during such a burst would set the idle mark near what the busy guest draws.
    /// </summary>
    private async Task<(int Dcmi, double Redfish)> IdleReadingsAsync()
    {
        var readings = new List<(int Dcmi, double Redfish)>();
        for (int i = 0; i < 5; i++)
        {
            readings.Add(PowerReadings());
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return (readings.Select(r => r.Dcmi).Order().ElementAt(readings.Count / 2), readings.Select(r => r.Redfish).Order().ElementAt(readings.Count / 2));
    }

    [GeneratedRegex(@"Instantaneous power reading:\s+(\d+) Watts")]
    private static partial Regex InstantaneousPower();

    private JsonElement Redfish(string path)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, Node.RedfishUrl + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Node.User}:{Node.Password}")));
        using HttpResponseMessage response = http.Send(request);
        response.EnsureSuccessStatusCode();
        using JsonDocument body = JsonDocument.Parse(response.Content.ReadAsStream());
        return body.RootElement.Clone();
    }

    // ---- the host's agent ----

    private async Task<JsonElement> WaitForAgentAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using HttpResponseMessage response = await _agent.GetAsync("api/v1/host", quick.Token);
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                // Not booted yet.
            }

            Assert.True(watch.Elapsed < BootLimit, $"the host's agent did not answer on {Node.AgentUrl} within {BootLimit}; host-os.log:\n"
                + (File.Exists(Path.Combine(Node.HostDir, "log", "host-os.log")) ? File.ReadAllText(Path.Combine(Node.HostDir, "log", "host-os.log")) : "(none)"));
            await Task.Delay(500);
        }
    }

    private async Task<JsonElement> GetAsync(string path)
    {
        using HttpResponseMessage response = await _agent.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<string> PostAsync(string path, object body, int expected)
    {
        using HttpResponseMessage response = await _agent.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"POST {path}: expected {expected}, got {(int)response.StatusCode}: {text}");
        return text;
    }

    private async Task ImportGuestAsync()
    {
        await PostAsync("api/v1/images", new { name = "guest-kernel", path = Path.Combine(Guest, "kernel"), kind = "kernel" }, 201);
        await PostAsync("api/v1/images", new { name = "guest-initrd", path = Path.Combine(Guest, "initrd.img"), kind = "initrd" }, 201);
    }

    private static object Vm(string name, int memoryMiB = 128, string? userData = null) => new
    {
        name,
        vcpus = 1,
        memoryMiB,
        start = true,
        boot = new { kernel = "guest-kernel", initrd = "guest-initrd", cmdline = "console=ttyS0 quiet" },
        networks = new[] { new { network = "default" } },
        cloudInit = userData is null ? null : new { userData },
    };

    private async Task WaitForConsoleAsync(string vm, string text)
    {
        string log = Path.Combine(Node.HostDir, "node", "vms", vm, "console.log");
        await WaitUntilAsync(() => File.Exists(log) && File.ReadAllText(log).Contains(text, StringComparison.Ordinal), BootLimit,
            $"'{text}' on the console of {vm}");
    }

    // ---- helpers ----

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < limit, $"timed out after {limit}: {what}");
            await Task.Delay(250);
        }
    }

    private static string Tool(string file, params string[] args)
    {
        (int exit, string output) = Command.Run(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)}: {output}");
        return output;
    }
}
