using System.Buffers.Binary;

namespace Appliance.Ipmi.Commands;

/// <summary>
/// The Get Device ID response (IPMI v2.0 section 20.1), shared by the BMC handler (Encode) and the
/// client (TryDecode).
/// </summary>
/// <param name="DeviceIdNumber">Device ID.</param>
/// <param name="DeviceRevision">Device revision (0..15).</param>
/// <param name="ProvidesDeviceSdrs">The device provides Device SDRs.</param>
/// <param name="FirmwareMajor">Major firmware revision (0..127).</param>
/// <param name="FirmwareMinor">Minor firmware revision (0..99; BCD on the wire).</param>
/// <param name="DeviceAvailable">False while a firmware or SDR update or self-initialization is in progress.</param>
/// <param name="IpmiVersion">IPMI version, BCD with the minor digit high: 02h is IPMI 2.0.</param>
/// <param name="AdditionalDeviceSupport">Additional device support bits (SDR repository, SEL, FRU, chassis, ...).</param>
/// <param name="ManufacturerId">IANA manufacturer ID (20 bits).</param>
/// <param name="ProductId">Product ID.</param>
/// <param name="AuxiliaryFirmwareRevision">Optional auxiliary firmware revision (4 bytes), or null.</param>
public sealed record DeviceId(
    byte DeviceIdNumber,
    byte DeviceRevision,
    bool ProvidesDeviceSdrs,
    byte FirmwareMajor,
    byte FirmwareMinor,
    bool DeviceAvailable,
    byte IpmiVersion,
    byte AdditionalDeviceSupport,
    uint ManufacturerId,
    ushort ProductId,
    uint? AuxiliaryFirmwareRevision = null)
{
    /// <summary>Response data length: 11, or 15 with the auxiliary firmware revision.</summary>
    public int EncodedLength => AuxiliaryFirmwareRevision is null ? 11 : 15;

    /// <summary>Writes the response data (after the completion code); returns its length.</summary>
    public int Encode(Span<byte> destination)
    {
        destination[0] = DeviceIdNumber;
        destination[1] = (byte)((ProvidesDeviceSdrs ? 0x80 : 0) | (DeviceRevision & 0x0F));
        destination[2] = (byte)((DeviceAvailable ? 0 : 0x80) | (FirmwareMajor & 0x7F));
        destination[3] = (byte)(((FirmwareMinor / 10) << 4) | (FirmwareMinor % 10));
        destination[4] = IpmiVersion;
        destination[5] = AdditionalDeviceSupport;
        destination[6] = (byte)ManufacturerId;
        destination[7] = (byte)(ManufacturerId >> 8);
        destination[8] = (byte)((ManufacturerId >> 16) & 0x0F);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[9..], ProductId);
        if (AuxiliaryFirmwareRevision is { } aux)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[11..], aux);
        }

        return EncodedLength;
    }

    /// <summary>The response data as a new array.</summary>
    public byte[] Encode()
    {
        var data = new byte[EncodedLength];
        Encode(data);
        return data;
    }

    /// <summary>Decodes response data (after the completion code).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out DeviceId? deviceId)
    {
        deviceId = null;
        if (data.Length < 11)
        {
            return false;
        }

        deviceId = new DeviceId(
            data[0],
            (byte)(data[1] & 0x0F),
            (data[1] & 0x80) != 0,
            (byte)(data[2] & 0x7F),
            (byte)((data[3] >> 4) * 10 + (data[3] & 0x0F)),
            (data[2] & 0x80) == 0,
            data[4],
            data[5],
            (uint)(data[6] | (data[7] << 8) | ((data[8] & 0x0F) << 16)),
            BinaryPrimitives.ReadUInt16LittleEndian(data[9..]),
            data.Length >= 15 ? BinaryPrimitives.ReadUInt32LittleEndian(data[11..]) : null);
        return true;
    }
}
