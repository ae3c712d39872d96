using Appliance.Hw.Devices;

namespace Appliance.Hw.Sim.Chips;

/// <summary>LM75B: 11-bit temperature (0.125 °C) left-justified in a 16-bit register.</summary>
public sealed class Lm75Chip(Func<double> temperature) : PointerRegisterChip
{
    private byte _config;
    private ushort _hysteresis = 75 << 8;
    private ushort _overTemperature = 80 << 8;

    public bool Shutdown => (_config & 0x01) != 0;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        switch ((Lm75Register)register)
        {
            case Lm75Register.Configuration: _config = value[0]; break;
            case Lm75Register.Hysteresis: _hysteresis = Get16(value); break;
            case Lm75Register.OverTemperatureShutdown: _overTemperature = Get16(value); break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch ((Lm75Register)register)
        {
            case Lm75Register.Temperature:
                int counts = Math.Clamp((int)Math.Round(temperature() / 0.125), -1024, 1023);
                Put16(buffer, counts << 5);
                break;
            case Lm75Register.Configuration: buffer[0] = _config; break;
            case Lm75Register.Hysteresis: Put16(buffer, _hysteresis); break;
            case Lm75Register.OverTemperatureShutdown: Put16(buffer, _overTemperature); break;
        }
    }
}
