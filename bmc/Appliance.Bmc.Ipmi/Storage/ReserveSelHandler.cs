using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Reserve SEL (IPMI v2.0 section 31.4): needed by partial reads, Delete SEL Entry and Clear SEL.</summary>
public sealed class ReserveSelHandler(SelIndex index)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        ushort id = index.Reservation.Reserve();
        return Reply.Ok([(byte)id, (byte)(id >> 8)]);
    }
}
