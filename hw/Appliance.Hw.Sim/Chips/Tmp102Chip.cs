using Appliance.Hw.Devices;

namespace Appliance.Hw.Sim.Chips;

/// <summary>TMP102: 12-bit temperature (13-bit in extended mode), 0.0625 °C, left-justified.</summary>
public sealed class Tmp102Chip(Func<double> temperature) : PointerRegisterChip
{
    private const ushort ExtendedModeBit = 0x0010;
    private const ushort WritableConfigBits = 0x81F0; // OS, R1/R0 read-only, F1 F0 POL TM SD, CR1 CR0, EM

    private ushort _config = 0x60A0;
    private ushort _low = 0x4B00;
    private ushort _high = 0x5000;

    public bool Shutdown => (_config & 0x0100) != 0;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        switch ((Tmp102Register)register)
        {
            case Tmp102Register.Configuration: _config = (ushort)((_config & ~WritableConfigBits) | (Get16(value) & WritableConfigBits)); break;
            case Tmp102Register.TemperatureLow: _low = Get16(value); break;
            case Tmp102Register.TemperatureHigh: _high = Get16(value); break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch ((Tmp102Register)register)
        {
            case Tmp102Register.Temperature:
                bool extended = (_config & ExtendedModeBit) != 0;
                int limit = extended ? 4095 : 2047;
                int counts = Math.Clamp((int)Math.Round(temperature() / 0.0625), -limit - 1, limit);
                Put16(buffer, extended ? (counts << 3) | 1 : counts << 4);
                break;
            case Tmp102Register.Configuration: Put16(buffer, _config); break;
            case Tmp102Register.TemperatureLow: Put16(buffer, _low); break;
            case Tmp102Register.TemperatureHigh: Put16(buffer, _high); break;
        }
    }
}
