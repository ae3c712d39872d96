using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Get Channel Info (IPMI v2.0 section 22.24). The BMC has one channel: LAN channel 1
/// (802.3 medium, IPMB-1.0 protocol, multi-session).
/// </summary>
public sealed class GetChannelInfoHandler
{
    private const byte Lan8023 = 0x04;
    private const byte Ipmb10 = 0x01;
    private const byte MultiSession = 0x80;

    // The IPMI Forum's IANA number (7154), least significant byte first.
    private static readonly byte[] IpmiForum = [0xF2, 0x1B, 0x00];

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0]))
        {
            return Reply.BadField(); // no such channel
        }

        int sessions = Math.Min(0x3F, context.ActiveSessions.Count);
        return Reply.Ok([LanChannel.Number, Lan8023, Ipmb10, (byte)(MultiSession | sessions), IpmiForum[0], IpmiForum[1], IpmiForum[2], 0x00, 0x00]);
    }
}
