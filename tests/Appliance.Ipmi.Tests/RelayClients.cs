using System.Net;
using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.Tests;

/// <summary>The library's client through a <see cref="UdpRelay"/>.</summary>
internal static class RelayClients
{
    /// <summary>The library's client as the test BMC's administrator, through <paramref name="relay"/>.</summary>
    public static IpmiClient AdminClient(this UdpRelay relay, TimeSpan timeout) => new(new IpmiClientOptions
    {
        Host = "127.0.0.1",
        Port = relay.Port,
        UserName = TestBmc.AdminUser,
        Password = TestBmc.AdminPassword,
        Timeout = timeout,
    });
}
