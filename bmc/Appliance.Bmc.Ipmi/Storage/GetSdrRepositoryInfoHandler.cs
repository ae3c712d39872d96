using System.Buffers.Binary;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Get SDR Repository Info (IPMI v2.0 section 33.9): version 51h, the record count, no free space, reserve supported.</summary>
public sealed class GetSdrRepositoryInfoHandler(SdrRepository sdr)
{
    private const byte ReserveSupported = 0x02;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        byte[] data = new byte[14];
        data[0] = SdrRecords.SdrVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1), (ushort)sdr.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(3), 0); // free space: the repository is built by the BMC
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(5), (uint)sdr.BuiltAt.ToUnixTimeSeconds());
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(9), 0); // never erased
        data[13] = ReserveSupported;
        return Reply.Ok(data);
    }
}
