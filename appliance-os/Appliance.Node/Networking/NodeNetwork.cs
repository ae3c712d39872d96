using Appliance.Libvirt.Xml;
using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Networking;

/// <summary>
/// The node's VM networking. By default one Linux bridge, created and owned by a libvirt network
/// without addresses (no DHCP or NAT on the host). With Open vSwitch the bridge is an OVS bridge and
/// each VM network is a VLAN: a VM's port is an access port carrying that network's tag, so VMs on
/// different networks never see each other's frames. libvirt itself adds and removes the ports
/// (&lt;virtualport type='openvswitch'/&gt;), on the kernel datapath or on OVS's userspace one alike.
/// </summary>
public sealed class NodeNetwork(NodeOptions options, HypervisorConnection hypervisor, ILogger<NodeNetwork> logger)
{
    public const string LinuxBridge = "linux-bridge";
    public const string OpenVSwitch = "openvswitch";

    /// <summary>OVS datapaths: the kernel's openvswitch module, or packet switching inside ovs-vswitchd.</summary>
    public const string SystemDatapath = "system", UserspaceDatapath = "netdev";

    /// <summary>VLAN 0 is the native VLAN: untagged frames on a trunk. An untagged VM network is an
    /// access port on it; a port without any tag would be a trunk that sees every VLAN.</summary>
    public const int NativeVlan = 0;

    // OpenFlow's number for a bridge's own port, once ovs-vswitchd has opened the bridge.
    private const string LocalPort = "65534";

    // Bounds every ovs-vsctl call: without ovs-vswitchd, a change to the database waits forever.
    private const string VsctlTimeout = "--timeout=10";

    public string Mode { get; private set; } = LinuxBridge;

    public string Bridge => options.Network.Bridge;

    /// <summary>The OVS bridge's datapath type; null on the Linux bridge.</summary>
    public string? Datapath { get; private set; }

    public IReadOnlyDictionary<string, int?> Networks => options.Network.Networks;

    public async Task EnsureAsync(CancellationToken ct)
    {
        // One look at Open vSwitch serves both "auto" and an explicit mode that needs it.
        bool ovsAnswers = options.Network.Mode != LinuxBridge && await OpenVSwitchAnswersAsync(ct);
        Mode = options.Network.Mode == "auto" ? (ovsAnswers ? OpenVSwitch : LinuxBridge) : options.Network.Mode;
        if (Mode != OpenVSwitch)
        {
            EnsureLinuxBridge();
            return;
        }

        if (!ovsAnswers)
            throw new ToolFailedException("ovs-vsctl",
                $"Network:Mode is {OpenVSwitch} but Open vSwitch does not answer (ovs-vsctl show failed): start ovsdb-server and ovs-vswitchd (openvswitch-switch), or set Network:Mode to {LinuxBridge}");
        await EnsureOvsBridgeAsync(ct);
    }

    public DomainInterface InterfaceFor(NicSpec nic) => InterfaceFor(Mode, options.Network, nic);

    /// <summary>On Open vSwitch a VM's port carries its network's VLAN tag (the native VLAN when the
    /// network is untagged); on the Linux bridge every VM network is the libvirt network's one segment.</summary>
    public static DomainInterface InterfaceFor(string mode, NetworkOptions network, NicSpec nic) => mode == OpenVSwitch
        ? new DomainInterface
        {
            Type = "bridge",
            Source = network.Bridge,
            VirtualPortType = "openvswitch",
            VlanTag = network.Networks.GetValueOrDefault(nic.Network ?? "default") ?? NativeVlan,
            MacAddress = nic.Mac,
        }
        : new DomainInterface { Type = "network", Source = network.LibvirtNetwork, MacAddress = nic.Mac };

    private void EnsureLinuxBridge()
    {
        var connection = hypervisor.Current;
        string name = options.Network.LibvirtNetwork;
        var definition = new NetworkDefinition { Name = name, Bridge = Bridge };
        var network = connection.TryLookupNetwork(name);
        if (network is not null && !network.IsActive && NetworkDefinition.Parse(network.GetXml()).Bridge != Bridge)
        {
            // Not in use, but made for another bridge name: the configuration wins.
            network.Undefine();
            network.Dispose();
            network = null;
        }
        if (network is null)
        {
            network = connection.DefineNetwork(definition.ToXml(), name);
            network.SetAutostart(true);
            logger.LogInformation("Defined libvirt network {Network} for Linux bridge {Bridge}", name, Bridge);
        }
        using (network)
        {
            if (!network.IsActive) network.Start();
            string actual = NetworkDefinition.Parse(network.GetXml()).Bridge;
            if (actual != Bridge)
                logger.LogWarning("libvirt network {Network} is active on bridge {Actual}, not the configured {Bridge}; VMs join {Actual}", name, actual, Bridge, actual);
        }
        var tagged = options.Network.Networks.Where(n => n.Value is not null).Select(n => $"{n.Key} (VLAN {n.Value})").ToList();
        if (tagged.Count > 0)
            logger.LogWarning("Linux bridge mode: VLAN tags are applied only with Open vSwitch, so {Networks} share one untagged segment", string.Join(", ", tagged));
        logger.LogInformation("Networking: Linux bridge {Bridge} (libvirt network {Network})", Bridge, name);
    }

    private async Task EnsureOvsBridgeAsync(CancellationToken ct)
    {
        Datapath = await ChooseDatapathAsync(ct);
        // One transaction: a bridge made earlier with another datapath moves to the configured one.
        try
        {
            await ProcessRunner.RunCheckedAsync("ovs-vsctl", [VsctlTimeout, "--may-exist", "add-br", Bridge, "--", "set", "Bridge", Bridge, $"datapath_type={Datapath}"], ct);
        }
        catch (ToolFailedException e)
        {
            // The database answered, so a timeout here means no ovs-vswitchd applies the change.
            throw new ToolFailedException(e.Tool, $"{e.Message}; is ovs-vswitchd running (ovs-appctl -t ovs-vswitchd version)?");
        }
        // ovs-vsctl succeeds even when ovs-vswitchd cannot open the datapath (no kernel module):
        // only the bridge's own port shows it, by never getting its OpenFlow number (LOCAL).
        var port = await ProcessRunner.RunCheckedAsync("ovs-vsctl", [VsctlTimeout, "get", "Interface", Bridge, "ofport", "error"], ct);
        var lines = port.Split('\n', StringSplitOptions.TrimEntries);
        if (lines[0] != LocalPort)
        {
            string reason = lines.ElementAtOrDefault(1) is { Length: > 2 } error ? error
                : Datapath == SystemDatapath ? "the kernel datapath needs the openvswitch kernel module" : "ovs-vswitchd gave no reason";
            throw new ToolFailedException("ovs-vswitchd",
                $"Open vSwitch could not set up bridge {Bridge} on the {Datapath} datapath ({reason}); see ovs-vswitchd's log, or set Network:Datapath={UserspaceDatapath}");
        }
        await ProcessRunner.RunCheckedAsync("ip", ["link", "set", Bridge, "up"], ct);
        logger.LogInformation("Networking: Open vSwitch bridge {Bridge} ({Datapath} datapath), VM networks {Networks}", Bridge, Datapath,
            string.Join(", ", options.Network.Networks.Select(n => $"{n.Key} VLAN {n.Value ?? NativeVlan}")));
    }

    /// <summary>The kernel datapath when the openvswitch module is loaded or loads; OVS's userspace
    /// datapath otherwise (slower, but needs nothing from the kernel beyond tap devices).</summary>
    private async Task<string> ChooseDatapathAsync(CancellationToken ct)
    {
        if (options.Network.Datapath != "auto") return options.Network.Datapath;
        if (Directory.Exists("/sys/module/openvswitch")) return SystemDatapath;
        try
        {
            if ((await ProcessRunner.RunAsync("modprobe", ["openvswitch"], ct)).ExitCode == 0) return SystemDatapath;
        }
        catch (ToolFailedException)
        {
            // No modprobe: no loadable module either.
        }
        logger.LogWarning("The kernel has no openvswitch module: bridge {Bridge} switches frames in ovs-vswitchd (userspace datapath)", Bridge);
        return UserspaceDatapath;
    }

    private static async Task<bool> OpenVSwitchAnswersAsync(CancellationToken ct)
    {
        try
        {
            // The tool alone is not enough: ovsdb-server must be running for the bridge to exist.
            return (await ProcessRunner.RunAsync("ovs-vsctl", ["--timeout=2", "show"], ct)).ExitCode == 0;
        }
        catch (ToolFailedException)
        {
            return false;
        }
    }
}
