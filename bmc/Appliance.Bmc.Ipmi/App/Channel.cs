namespace Appliance.Bmc.Ipmi.App;

/// <summary>Channel numbers in requests: the LAN channel itself, or 0Eh for "the channel this request came in on".</summary>
internal static class Channel
{
    public const byte Current = 0x0E;

    public static bool IsLan(byte field) => (field & 0x0F) is LanChannel.Number or Current;
}
