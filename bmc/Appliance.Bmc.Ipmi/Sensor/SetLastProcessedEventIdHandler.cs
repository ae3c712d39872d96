using Appliance.Bmc.Ipmi.Pef;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Set Last Processed Event ID (IPMI v2.0 section 30.4): system software records the last SEL record
/// it has handled (byte 1 bit 0 = 0). The BMC's own value (bit 0 = 1) is PEF's to keep and is refused.
/// </summary>
public sealed class SetLastProcessedEventIdHandler(PefEngine engine)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 3)
        {
            return Reply.BadLength();
        }

        if (d[0] != 0x00)
        {
            return Reply.BadField();
        }

        engine.LastProcessedBySoftware = (ushort)(d[1] | (d[2] << 8));
        return Reply.Ok();
    }
}
