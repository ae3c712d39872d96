using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>
/// Add SEL Entry (IPMI v2.0 section 31.6): a system event record (02h) or an OEM record (C0h-FFh).
/// The BMC assigns the record ID and, except for non-timestamped OEM records (E0h-FFh), the
/// timestamp. The answer goes out only once the entry is on disk.
/// </summary>
public sealed class AddSelEntryHandler(SelLog sel)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != SelRecord.Size)
        {
            return Reply.BadLength();
        }

        SelRecord record = SelRecord.Decode(d);
        if (record.RecordType != SelRecord.SystemEventRecord && record.RecordType < 0xC0)
        {
            return Reply.BadField();
        }

        if (record.RecordType < 0xE0)
        {
            record = record with { Timestamp = 0 }; // the log stamps it with SEL time
        }

        return Reply.Offload(() =>
        {
            SelEntry entry = sel.Add(record);
            return IpmiResponse.Ok([(byte)entry.Id, (byte)(entry.Id >> 8)]);
        });
    }
}
