using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Channel numbers in requests: the LAN channel itself, or 0Eh for "the channel this request came
/// in on", which is the LAN channel over LAN and the system interface (Fh) from the host.
/// </summary>
internal static class Channel
{
    public const byte Current = 0x0E;

    public static bool IsLan(byte field, IpmiCallContext context) =>
        (field & 0x0F) == LanChannel.Number || ((field & 0x0F) == Current && !SystemInterfaceChannel.IsOrigin(context));

    /// <summary>The system interface: named as Fh, or as 0Eh by a request that came through it.</summary>
    public static bool IsSystemInterface(byte field, IpmiCallContext context) =>
        (field & 0x0F) == SystemInterfaceChannel.Number || ((field & 0x0F) == Current && SystemInterfaceChannel.IsOrigin(context));
}
