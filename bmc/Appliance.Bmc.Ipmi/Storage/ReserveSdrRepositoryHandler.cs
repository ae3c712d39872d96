using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Reserve SDR Repository (IPMI v2.0 section 33.11): a reservation ID for partial Get SDR reads.</summary>
public sealed class ReserveSdrRepositoryHandler(SdrRepository sdr)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        ushort id = sdr.Reservation.Reserve();
        return Reply.Ok([(byte)id, (byte)(id >> 8)]);
    }
}
