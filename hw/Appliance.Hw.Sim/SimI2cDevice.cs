using System.Device.I2c;

namespace Appliance.Hw.Sim;

/// <summary>An I2cDevice on a simulated bus; a missing or faulted chip fails like an unacknowledged address.</summary>
public sealed class SimI2cDevice(SimBoard board, I2cConnectionSettings settings) : I2cDevice
{
    public override I2cConnectionSettings ConnectionSettings { get; } = settings;

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer) => board.I2cRead(ConnectionSettings.BusId, ConnectionSettings.DeviceAddress, buffer);

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer) => board.I2cWrite(ConnectionSettings.BusId, ConnectionSettings.DeviceAddress, buffer);

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) =>
        board.I2cWriteRead(ConnectionSettings.BusId, ConnectionSettings.DeviceAddress, writeBuffer, readBuffer);
}
