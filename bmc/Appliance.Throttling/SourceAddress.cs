using System.Net;
using System.Net.Sockets;

namespace Appliance.Throttling;

/// <summary>A source address as one party: IPv4 as itself (also when mapped into IPv6), IPv6 by its /64, which one attacker usually holds whole.</summary>
public static class SourceAddress
{
    public static IPAddress Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        byte[] bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
