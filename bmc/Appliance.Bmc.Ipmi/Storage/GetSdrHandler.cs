using System.Buffers.Binary;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// Get SDR (IPMI v2.0 section 33.12): a record, whole (FFh bytes) or in parts. A partial read
/// (offset above 0) needs the current reservation (a read from offset 0 needs none); a request
/// for more than the record holds gets the rest of it.
/// </summary>
public sealed class GetSdrHandler(SdrRepository sdr)
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
        ushort recordId = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        byte offset = d[4];
        byte count = d[5];
        if (offset != 0 && !sdr.Reservation.IsCurrent(reservation))
        {
            return Reply.Error(CompletionCode.ReservationCanceled);
        }

        if (sdr.Find(recordId, out ushort next) is not byte[] record)
        {
            return Reply.Error(CompletionCode.RequestedDataNotPresent);
        }

        if (offset >= record.Length)
        {
            return Reply.Error(CompletionCode.ParameterOutOfRange);
        }

        int length = count == EntireRecord ? record.Length - offset : Math.Min(count, record.Length - offset);
        byte[] data = new byte[2 + length];
        BinaryPrimitives.WriteUInt16LittleEndian(data, next);
        record.AsSpan(offset, length).CopyTo(data.AsSpan(2));
        return Reply.Ok(data);
    }
}
