using Appliance.Hw.Devices;

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
        switch ((Mcp9808Register)register)
        {
            case Mcp9808Register.Configuration: _config = Get16(value); break;
            case Mcp9808Register.UpperTemperature: _upper = Get16(value); break;
            case Mcp9808Register.LowerTemperature: _lower = Get16(value); break;
            case Mcp9808Register.CriticalTemperature: _critical = Get16(value); break;
            case Mcp9808Register.Resolution: _resolution = (byte)(value[0] & 0x03); break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch ((Mcp9808Register)register)
        {
            case Mcp9808Register.Configuration: Put16(buffer, _config); break;
            case Mcp9808Register.UpperTemperature: Put16(buffer, _upper); break;
            case Mcp9808Register.LowerTemperature: Put16(buffer, _lower); break;
            case Mcp9808Register.CriticalTemperature: Put16(buffer, _critical); break;
            case Mcp9808Register.AmbientTemperature: Put16(buffer, Ambient()); break;
            case Mcp9808Register.ManufacturerId: Put16(buffer, ManufacturerId); break;
            case Mcp9808Register.DeviceId: Put16(buffer, DeviceIdAndRevision); break;
            case Mcp9808Register.Resolution: buffer[0] = _resolution; break;
        }
    }

    private ushort Ambient()
    {
        int counts = Math.Clamp((int)Math.Round(temperature() / 0.0625), -4096, 4095);
        return (ushort)(counts & 0x1FFF);
    }
}
