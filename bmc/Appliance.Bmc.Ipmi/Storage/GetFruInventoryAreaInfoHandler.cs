using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Get FRU Inventory Area Info (IPMI v2.0 section 34.1): FRU device 0 is the board's EEPROM, byte-addressed.</summary>
public sealed class GetFruInventoryAreaInfoHandler(FruInventory fru)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 1)
        {
            return Reply.BadLength();
        }

        if (d[0] != 0 || fru.Size == 0)
        {
            return Reply.Error(CompletionCode.RequestedDataNotPresent);
        }

        int size = fru.Size;
        return Reply.Ok([(byte)size, (byte)(size >> 8), 0x00]);
    }
}
