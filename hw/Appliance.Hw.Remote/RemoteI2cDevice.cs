using System.Buffers.Binary;
using System.Device.I2c;

namespace Appliance.Hw.Remote;

/// <summary>An I2cDevice whose transfers happen on a simulated board in another process.</summary>
public sealed class RemoteI2cDevice(BoardClient client, I2cConnectionSettings settings) : I2cDevice
{
    public override I2cConnectionSettings ConnectionSettings { get; } = settings;

    private byte Bus => (byte)ConnectionSettings.BusId;
    private byte Address => (byte)ConnectionSettings.DeviceAddress;

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer)
    {
        byte[] request = [Bus, Address, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(2), (ushort)buffer.Length);
        client.Call(BoardProtocol.I2cRead, request).CopyTo(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] request = new byte[2 + buffer.Length];
        request[0] = Bus;
        request[1] = Address;
        buffer.CopyTo(request.AsSpan(2));
        client.Call(BoardProtocol.I2cWrite, request);
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        byte[] request = new byte[6 + writeBuffer.Length];
        request[0] = Bus;
        request[1] = Address;
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(2), (ushort)writeBuffer.Length);
        writeBuffer.CopyTo(request.AsSpan(4));
        BinaryPrimitives.WriteUInt16LittleEndian(request.AsSpan(4 + writeBuffer.Length), (ushort)readBuffer.Length);
        client.Call(BoardProtocol.I2cWriteRead, request).CopyTo(readBuffer);
    }
}
