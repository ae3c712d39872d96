namespace Appliance.Hw.Sim.Chips;

/// <summary>MCP9808: 13-bit signed ambient temperature (0.0625 °C) with alert flags, and its ID registers.</summary>
public sealed class Mcp9808Chip(Func<double> temperature) : PointerRegisterChip
{
    private const ushort ManufacturerId = 0x0054;
    private const ushort DeviceIdAndRevision = 0x0400;
    private const ushort ShutdownBit = 0x0100;

    private ushort _config;
    private ushort _upper;
    private ushort _lower;
    private ushort _critical;
    private byte _resolution = 0x03;

    public bool Shutdown => (_config & ShutdownBit) != 0;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        switch (register)
        {
            case 1: _config = Get16(value); break;
            case 2: _upper = Get16(value); break;
            case 3: _lower = Get16(value); break;
            case 4: _critical = Get16(value); break;
            case 8: _resolution = (byte)(value[0] & 0x03); break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch (register)
        {
            case 1: Put16(buffer, _config); break;
            case 2: Put16(buffer, _upper); break;
            case 3: Put16(buffer, _lower); break;
            case 4: Put16(buffer, _critical); break;
            case 5: Put16(buffer, Ambient()); break;
            case 6: Put16(buffer, ManufacturerId); break;
            case 7: Put16(buffer, DeviceIdAndRevision); break;
            case 8: buffer[0] = _resolution; break;
        }
    }

    private ushort Ambient()
    {
        int counts = Math.Clamp((int)Math.Round(temperature() / 0.0625), -4096, 4095);
        return (ushort)(counts & 0x1FFF);
    }
}
