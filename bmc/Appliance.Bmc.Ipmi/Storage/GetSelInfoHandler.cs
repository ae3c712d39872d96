using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Get SEL Info (IPMI v2.0 section 31.2): version 51h, entries, free space, last addition and erase (SEL time), overflow.</summary>
public sealed class GetSelInfoHandler(SelLog sel)
{
    private const byte SelVersion = 0x51;
    private const byte Overflow = 0x80;
    private const byte DeleteSupported = 0x08;
    private const byte ReserveSupported = 0x02;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        return Reply.Offload(() =>
        {
            int count = sel.Count;
            byte[] data = new byte[14];
            data[0] = SelVersion;
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), (ushort)count);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(3), (ushort)Math.Min(0xFFFE, (sel.Capacity - count) * SelRecord.Size));
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(5), SelTime(sel.LastAddition));
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(9), SelTime(sel.LastErase));
            data[13] = (byte)((sel.Overflow ? Overflow : 0) | DeleteSupported | ReserveSupported);
            return IpmiResponse.Ok(data);
        });
    }

    // FFFFFFFFh: never happened.
    private uint SelTime(DateTimeOffset? moment) =>
        moment is DateTimeOffset m ? (uint)Math.Max(0, (m + sel.SelTimeOffset).ToUnixTimeSeconds()) : 0xFFFFFFFF;
}
