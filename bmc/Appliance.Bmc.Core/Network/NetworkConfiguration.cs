using System.Net;
using System.Net.NetworkInformation;

namespace Appliance.Bmc.Network;

/// <summary>The BMC's management network settings, as IPMI LAN configuration and Redfish EthernetInterface show them.</summary>
public sealed record NetworkConfiguration(
    IpAddressSource Source,
    IPAddress Address,
    IPAddress SubnetMask,
    IPAddress Gateway,
    PhysicalAddress MacAddress,
    string HostName,
    int? VlanId = null)
{
    /// <summary>The fully qualified name; the BMC has no DNS domain of its own unless configured.</summary>
    public string Fqdn => HostName;
}

public enum IpAddressSource
{
    Static,
    Dhcp,
}
