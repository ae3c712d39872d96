namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// The common SMBus register model: the first byte of a write sets the register pointer, any
/// further bytes are written to that register, and reads return the pointed register.
/// </summary>
public abstract class PointerRegisterChip : ISimChip
{
    protected byte Pointer { get; private set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        Pointer = data[0];
        if (data.Length > 1)
        {
            WriteRegister(Pointer, data[1..]);
        }
    }

    public void Read(Span<byte> buffer)
    {
        buffer.Fill(0xFF);
        ReadRegister(Pointer, buffer);
    }

    protected abstract void WriteRegister(byte register, ReadOnlySpan<byte> value);

    protected abstract void ReadRegister(byte register, Span<byte> buffer);

    protected static void Put16(Span<byte> buffer, int value)
    {
        if (buffer.Length > 0)
        {
            buffer[0] = (byte)(value >> 8);
        }

        if (buffer.Length > 1)
        {
            buffer[1] = (byte)value;
        }
    }

    protected static ushort Get16(ReadOnlySpan<byte> value) =>
        value.Length >= 2 ? (ushort)((value[0] << 8) | value[1]) : (ushort)(value[0] << 8);
}
