using Appliance.Bmc.Ipmi.App;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Transport;

/// <summary>
/// Get LAN and Get SOL Configuration Parameters (IPMI v2.0 sections 23.2 and 26.3) are asked alike: a
/// LAN channel number (bit 7: the revision only), a parameter selector, a set and a block selector.
/// </summary>
internal static class GetConfigurationParametersRequest
{
    /// <summary>The answer to a malformed request: C7h for a wrong length, CCh for reserved bits or another channel; null when it is well formed.</summary>
    public static ValueTask<IpmiResponse>? Refusal(ReadOnlySpan<byte> d, IpmiCallContext context) =>
        d.Length != 4 ? Reply.BadLength()
        : (d[0] & 0x70) != 0 || !Channel.IsLan(d[0], context) ? Reply.BadField()
        : null;
}
