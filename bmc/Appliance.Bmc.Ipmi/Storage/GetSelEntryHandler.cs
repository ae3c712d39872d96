using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// Get SEL Entry (IPMI v2.0 section 31.5): a record by ID (0000h first, FFFFh last) with the ID of
/// the next one, whole (FFh bytes) or from an offset (which needs the current reservation).
/// </summary>
public sealed class GetSelEntryHandler(SelLog sel, SelIndex index)
{
    private const byte EntireRecord = 0xFF;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 6)
        {
            return Reply.BadLength();
        }

        ushort reservation = BinaryPrimitives.ReadUInt16LittleEndian(d);
        ushort requested = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        byte offset = d[4];
        byte count = d[5];
        if (offset != 0 && !index.Reservation.IsCurrent(reservation))
        {
            return Reply.Error(CompletionCode.ReservationCanceled);
        }

        if (offset >= SelRecord.Size)
        {
            return Reply.Error(CompletionCode.ParameterOutOfRange);
        }

        return Reply.Offload(() =>
        {
            if (!index.TryLocate(requested, out ushort id, out ushort next) || sel.Get(id) is not SelEntry entry)
            {
                return IpmiResponse.Error(CompletionCode.RequestedDataNotPresent);
            }

            int length = count == EntireRecord ? SelRecord.Size - offset : Math.Min(count, SelRecord.Size - offset);
            byte[] data = new byte[2 + length];
            BinaryPrimitives.WriteUInt16LittleEndian(data, next);
            entry.Record.ToBytes().AsSpan(offset, length).CopyTo(data.AsSpan(2));
            return IpmiResponse.Ok(data);
        });
    }
}
