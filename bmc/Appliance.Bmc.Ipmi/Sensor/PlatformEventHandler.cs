using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Platform Event, "Event Message" (IPMI v2.0 section 29.3): a remote console adds an event to the
/// SEL. Seven bytes (EvMRev, sensor type, sensor number, event dir/type, event data 1-3) as over
/// IPMB/LAN, where the generator is the console's software ID on this channel; or eight, led by a
/// generator ID, as system software sends it.
/// </summary>
public sealed class PlatformEventHandler(SelLog sel)
{
    /// <summary>Generator ID of a remote console: software ID 81h on the LAN channel.</summary>
    public const ushort RemoteConsoleGenerator = 0x81 | (LanChannel.Number << 12);

    private const byte IpmiV2EventRevision = 0x04;
    private const byte IpmiV1EventRevision = 0x03;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length is not (7 or 8))
        {
            return Reply.BadLength();
        }

        ushort generator = d.Length == 8 ? d[0] : RemoteConsoleGenerator;
        ReadOnlySpan<byte> e = d.Length == 8 ? d[1..] : d;
        if (e[0] is not (IpmiV2EventRevision or IpmiV1EventRevision))
        {
            return Reply.BadField();
        }

        var record = new SelRecord(0, SelRecord.SystemEventRecord, 0, generator, e[0], e[1], e[2], e[3], e[4], e[5], e[6]);
        return Reply.Offload(() =>
        {
            sel.Add(record);
            return IpmiResponse.Ok();
        });
    }
}
