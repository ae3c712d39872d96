using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Get Channel Info (IPMI v2.0 section 22.24). The BMC has two channels: LAN channel 1 (802.3
/// medium, IPMB-1.0 protocol, multi-session) and the system interface, Fh (KCS, session-less).
/// </summary>
public sealed class GetChannelInfoHandler(LanSessions sessions)
{
    private const byte Lan8023 = 0x04;
    private const byte Ipmb10 = 0x01;
    private const byte MultiSession = 0x80;
    private const byte SystemInterfaceMedium = 0x0C;
    private const byte KcsProtocol = 0x05;

    /// <summary>Auxiliary info for channel Fh: no SMS or event message buffer interrupt is assigned.</summary>
    private const byte NoInterrupt = 0xFF;

    // The IPMI Forum's IANA number (7154), least significant byte first.
    private static readonly byte[] IpmiForum = [0xF2, 0x1B, 0x00];

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if ((d[0] & 0xF0) == 0 && Channel.IsSystemInterface(d[0], context))
        {
            return Reply.Ok([SystemInterfaceChannel.Number, SystemInterfaceMedium, KcsProtocol, 0x00, IpmiForum[0], IpmiForum[1], IpmiForum[2], NoInterrupt, NoInterrupt]);
        }

        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context))
        {
            return Reply.BadField(); // no such channel
        }

        int count = Math.Min(0x3F, sessions.Active.Count);
        return Reply.Ok([LanChannel.Number, Lan8023, Ipmb10, (byte)(MultiSession | count), IpmiForum[0], IpmiForum[1], IpmiForum[2], 0x00, 0x00]);
    }
}
