using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Delete SEL Entry (IPMI v2.0 section 31.8): needs the current reservation, which the deletion then cancels.</summary>
public sealed class DeleteSelEntryHandler(SelLog sel, SelIndex index)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        ushort reservation = BinaryPrimitives.ReadUInt16LittleEndian(d);
        ushort requested = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        if (!index.Reservation.IsCurrent(reservation))
        {
            return Reply.Error(CompletionCode.ReservationCanceled);
        }

        return Reply.Offload(() =>
        {
            if (!index.TryLocate(requested, out ushort id, out _) || !sel.Delete(id))
            {
                return IpmiResponse.Error(CompletionCode.RequestedDataNotPresent);
            }

            index.Invalidate();
            index.Reservation.Cancel();
            return IpmiResponse.Ok([(byte)id, (byte)(id >> 8)]);
        });
    }
}
