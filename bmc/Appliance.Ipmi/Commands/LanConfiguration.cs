using System.Net;
using Appliance.Ipmi.Client;

namespace Appliance.Ipmi.Commands;

/// <summary>Get LAN Configuration Parameters (IPMI v2.0 section 23.2) for what a console needs to reach the BMC.</summary>
public static class LanConfiguration
{
    private const byte GetLanConfigurationParameters = 0x02;
    private const byte IpAddressParameter = 3;

    /// <summary>Parameter 3, the IP address of the BMC on <paramref name="channel"/>.</summary>
    public static async Task<IPAddress> GetIpAddressAsync(this IIpmiRequester bmc, byte channel, CancellationToken ct = default)
    {
        var data = await UserManagement.SendCheckedAsync(bmc, NetFn.Transport, GetLanConfigurationParameters,
            [(byte)(channel & 0x0F), IpAddressParameter, 0x00, 0x00], ct).ConfigureAwait(false);
        return data.Length >= 5
            ? new IPAddress(data.AsSpan(1, 4))
            : throw new IpmiException($"Get LAN Configuration Parameters (IP address) answered {data.Length} bytes; 5 expected");
    }
}
