using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Set SEL Time (IPMI v2.0 section 31.11): sets the SEL's clock; new entries are stamped with it.</summary>
public sealed class SetSelTimeHandler(SelLog sel)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        var requested = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32LittleEndian(d));
        sel.SelTime = requested;
        return Reply.Ok();
    }
}
