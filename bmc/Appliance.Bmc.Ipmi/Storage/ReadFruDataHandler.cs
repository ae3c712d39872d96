using System.Buffers.Binary;
using Appliance.Hw;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.Storage;

/// <summary>Read FRU Data (IPMI v2.0 section 34.2): up to the count asked, from the offset, within the EEPROM.</summary>
public sealed class ReadFruDataHandler(FruInventory fru)
{
    /// <summary>Command-specific completion code: FRU device busy.</summary>
    public const byte FruDeviceBusy = 0x81;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        ReadOnlySpan<byte> d = request.Span;
        if (d.Length != 4)
        {
            return Reply.BadLength();
        }

        if (d[0] != 0 || fru.Size == 0)
        {
            return Reply.Error(CompletionCode.RequestedDataNotPresent);
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(d[1..]);
        int count = d[3];
        if (offset >= fru.Size)
        {
            return Reply.Error(CompletionCode.ParameterOutOfRange);
        }

        return Reply.Offload(() =>
        {
            byte[] image;
            try
            {
                image = fru.Image();
            }
            catch (DeviceException)
            {
                return IpmiResponse.Error(FruDeviceBusy);
            }

            int length = Math.Min(count, image.Length - offset);
            byte[] data = new byte[1 + length];
            data[0] = (byte)length;
            image.AsSpan(offset, length).CopyTo(data.AsSpan(1));
            return IpmiResponse.Ok(data);
        });
    }
}
