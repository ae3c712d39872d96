using Appliance.Libvirt.Xml;
using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Networking;

/// <summary>
/// The node's VM networking. By default one Linux bridge, created and owned by a libvirt network
/// without addresses (no DHCP or NAT on the host). With Open vSwitch the bridge is an OVS bridge and
/// each VM network is a VLAN: a VM's port carries that network's tag.
/// </summary>
public sealed class NodeNetwork(NodeOptions options, HypervisorConnection hypervisor, ILogger<NodeNetwork> logger)
{
    public const string LinuxBridge = "linux-bridge";
    public const string OpenVSwitch = "openvswitch";

    public string Mode { get; private set; } = LinuxBridge;

    public string Bridge => options.Network.Bridge;

    public IReadOnlyDictionary<string, int?> Networks => options.Network.Networks;

    public async Task EnsureAsync(CancellationToken ct)
    {
        Mode = options.Network.Mode switch
        {
            "auto" => await OpenVSwitchAnswersAsync(ct) ? OpenVSwitch : LinuxBridge,
            var explicitMode => explicitMode,
        };
        if (Mode == OpenVSwitch) await EnsureOvsBridgeAsync(ct);
        else EnsureLinuxBridge();
    }

    public DomainInterface InterfaceFor(NicSpec nic) => InterfaceFor(Mode, options.Network, nic);

    /// <summary>On Open vSwitch a VM's port carries its network's VLAN tag; on the Linux bridge every
    /// VM network is the libvirt network's one segment.</summary>
    public static DomainInterface InterfaceFor(string mode, NetworkOptions network, NicSpec nic) => mode == OpenVSwitch
        ? new DomainInterface
        {
            Type = "bridge",
            Source = network.Bridge,
            VirtualPortType = "openvswitch",
            VlanTag = network.Networks.GetValueOrDefault(nic.Network ?? "default"),
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
        await ProcessRunner.RunCheckedAsync("ovs-vsctl", ["--may-exist", "add-br", Bridge], ct);
        await ProcessRunner.RunCheckedAsync("ip", ["link", "set", Bridge, "up"], ct);
        logger.LogInformation("Networking: Open vSwitch bridge {Bridge}, VM networks {Networks}", Bridge,
            string.Join(", ", options.Network.Networks.Select(n => n.Value is null ? $"{n.Key} untagged" : $"{n.Key} VLAN {n.Value}")));
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
