using Appliance.Libvirt;
using Appliance.Libvirt.Xml;
using Appliance.Node.Configuration;
using Appliance.Node.Networking;
using Appliance.Node.Vms;

namespace Appliance.Node.Tests;

/// <summary>The interface XML each networking mode produces, as libvirt itself parses it back.
/// (OpenVSwitchTests runs guests on a real Open vSwitch bridge.)</summary>
public class NetworkModeTests
{
    private static readonly NetworkOptions Options = new()
    {
        Bridge = "br-vm",
        LibvirtNetwork = "appliance",
        Networks = new(StringComparer.Ordinal) { ["default"] = null, ["storage"] = 20 },
    };

    [Fact]
    public void On_open_vswitch_each_vm_network_is_a_vlan_tag_on_the_port()
    {
        var parsed = RoundTrip(NodeNetwork.OpenVSwitch, [new NicSpec { Network = "storage", Mac = "52:54:00:00:00:20" }, new NicSpec { Network = "default", Mac = "52:54:00:00:00:01" }]);

        Assert.All(parsed, nic => Assert.Equal(("bridge", "br-vm", "openvswitch"), (nic.Type, nic.Source, nic.VirtualPortType)));
        Assert.Equal(20, parsed[0].VlanTag);
        Assert.Equal(0, parsed[1].VlanTag); // the native VLAN: an access port, never a trunk
    }

    [Fact]
    public void On_the_linux_bridge_every_vm_network_joins_the_libvirt_network()
    {
        var parsed = RoundTrip(NodeNetwork.LinuxBridge, [new NicSpec { Network = "storage", Mac = "52:54:00:00:00:20" }]);

        var nic = Assert.Single(parsed);
        Assert.Equal(("network", "appliance", null, null), (nic.Type, nic.Source, nic.VirtualPortType, nic.VlanTag));
        Assert.Equal("52:54:00:00:00:20", nic.MacAddress);
    }

    private static List<DomainInterface> RoundTrip(string mode, NicSpec[] nics)
    {
        var definition = new DomainDefinition
        {
            Type = "qemu",
            Name = $"net-{mode}-{Guid.NewGuid():N}"[..30],
            MemoryKiB = 65536,
            Interfaces = nics.Select(n => NodeNetwork.InterfaceFor(mode, Options, n)).ToList(),
        };
        using var connection = LibvirtConnection.Open("qemu:///system");
        using var domain = connection.DefineDomain(definition.ToXml());
        try
        {
            return DomainDefinition.Parse(domain.GetXml()).Interfaces;
        }
        finally
        {
            domain.Undefine();
        }
    }
}
