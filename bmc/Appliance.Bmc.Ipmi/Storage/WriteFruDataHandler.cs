using System.Buffers.Binary;
using Appliance.Hw;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Write FRU Data (IPMI v2.0 section 34.3): bytes into the FRU EEPROM, which must hold all of them.</summary>
public sealed class WriteFruDataHandler(FruInventory fru)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length < 4)
        {
            return Reply.BadLength();
        }

        if (d[0] != 0 || fru.Size == 0)
        {
            return Reply.Error(CompletionCode.RequestedDataNotPresent);
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(d[1..]);
        int length = d.Length - 3;
        if (offset + length > fru.Size)
        {
            return Reply.Error(CompletionCode.ParameterOutOfRange);
        }

        byte[] data = d[3..].ToArray();
        return Reply.Offload(() =>
        {
            try
            {
                fru.Write(offset, data);
            }
            catch (DeviceException)
            {
                return IpmiResponse.Error(ReadFruDataHandler.FruDeviceBusy);
            }

            return IpmiResponse.Ok([(byte)length]);
        });
    }
}
