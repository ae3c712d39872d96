using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Get SEL Time (IPMI v2.0 section 31.10): seconds since 1970 on the SEL's clock.</summary>
public sealed class GetSelTimeHandler(SelLog sel)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        byte[] data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)Math.Max(0, sel.SelTime.ToUnixTimeSeconds()));
        return Reply.Ok(data);
    }
}
