using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>
/// Get Channel Access (IPMI v2.0 section 22.23): the LAN channel is always available, has no PEF
/// alerting, always authenticates per message and per user, and has a privilege limit.
/// </summary>
public sealed class GetChannelAccessHandler(LanChannel channel)
{
    /// <summary>Byte 1 of the answer: PEF alerting disabled (bit 5), access mode "always available" (2).</summary>
    public const byte AlwaysAvailableWithoutAlerting = 0x22;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 2)
        {
            return Reply.BadLength();
        }

        int which = d[1] >> 6; // 01b non-volatile, 10b volatile (present) settings: both are the same here
        if ((d[0] & 0xF0) != 0 || !Channel.IsLan(d[0], context) || which is not (1 or 2) || (d[1] & 0x3F) != 0)
        {
            return Reply.BadField();
        }

        return Reply.Ok([AlwaysAvailableWithoutAlerting, (byte)channel.PrivilegeLimit]);
    }
}
