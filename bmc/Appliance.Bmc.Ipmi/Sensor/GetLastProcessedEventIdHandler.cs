using Appliance.Bmc.Ipmi.Pef;
using Appliance.Bmc.Sel;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Sensor;

/// <summary>
/// Get Last Processed Event ID (IPMI v2.0 section 30.5, <c>ipmitool pef status</c>): when the SEL last
/// had a record added, the newest record's ID, and the last record processed by software and by PEF.
/// </summary>
public sealed class GetLastProcessedEventIdHandler(SelLog sel, PefEngine engine)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Span.Length != 0)
        {
            return Reply.BadLength();
        }

        return Reply.Offload(() =>
        {
            IReadOnlyList<SelEntry> entries = sel.Entries();
            uint added = entries.Count == 0 ? 0xFFFFFFFF : (uint)Math.Max(0, entries[^1].StoredAt.ToUnixTimeSeconds());
            ushort last = entries.Count == 0 ? (ushort)0xFFFF : entries[^1].Id;
            ushort software = engine.LastProcessedBySoftware;
            ushort bmc = engine.LastProcessedByBmc;
            return IpmiResponse.Ok([(byte)added, (byte)(added >> 8), (byte)(added >> 16), (byte)(added >> 24),
                (byte)last, (byte)(last >> 8), (byte)software, (byte)(software >> 8), (byte)bmc, (byte)(bmc >> 8)]);
        });
    }
}
