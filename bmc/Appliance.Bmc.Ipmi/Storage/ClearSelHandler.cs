using System.Buffers.Binary;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// Clear SEL (IPMI v2.0 section 31.9): with the current reservation and "CLR", initiate (AAh) or
/// ask for the status (00h). Erasure completes at once. As on other BMCs, the cleared log starts
/// with an "Event Logging Disabled: log area reset/cleared" event saying it was cleared.
/// </summary>
public sealed class ClearSelHandler(SelLog sel, SelIndex index)
{
    private const byte Initiate = 0xAA;
    private const byte GetStatus = 0x00;
    private const byte ErasureCompleted = 0x01;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 6)
        {
            return Reply.BadLength();
        }

        if (!index.Reservation.IsCurrent(BinaryPrimitives.ReadUInt16LittleEndian(d)))
        {
            return Reply.Error(CompletionCode.ReservationCanceled);
        }

        if (d[2] != (byte)'C' || d[3] != (byte)'L' || d[4] != (byte)'R' || d[5] is not (Initiate or GetStatus))
        {
            return Reply.BadField();
        }

        if (d[5] == GetStatus)
        {
            return Reply.Ok([ErasureCompleted]);
        }

        return Reply.Offload(() =>
        {
            sel.Clear();
            sel.Add(BuiltInSensors.Event(BuiltInSensors.EventLogging, BuiltInSensors.EventLoggingDisabledType, BuiltInSensors.LogAreaClearedOffset));
            return IpmiResponse.Ok([ErasureCompleted]);
        });
    }
}
