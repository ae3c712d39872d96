namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// INA219 high-side monitor: shunt voltage (10 µV), bus voltage (4 mV), and the current and
/// power registers it derives from the calibration register, as the datasheet defines them.
/// </summary>
public sealed class Ina219Chip(double shuntOhms, Func<(double Volts, double Amps)> rail) : PointerRegisterChip
{
    private const ushort ResetConfig = 0x399F;
    private ushort _config = ResetConfig;
    private ushort _calibration;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        switch (register)
        {
            case 0:
                ushort config = Get16(value);
                if ((config & 0x8000) != 0)
                {
                    _config = ResetConfig;
                    _calibration = 0;
                }
                else
                {
                    _config = config;
                }

                break;
            case 5:
                _calibration = (ushort)(Get16(value) & 0xFFFE);
                break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch (register)
        {
            case 0: Put16(buffer, _config); break;
            case 1: Put16(buffer, ShuntRegister()); break;
            case 2: Put16(buffer, (BusRegister() << 3) | 0x2); break; // CNVR: a conversion is ready
            case 3: Put16(buffer, PowerRegister()); break;
            case 4: Put16(buffer, CurrentRegister()); break;
            case 5: Put16(buffer, _calibration); break;
        }
    }

    private double PgaLimitVolts => ((_config >> 11) & 0x3) switch
    {
        0 => 0.04,
        1 => 0.08,
        2 => 0.16,
        _ => 0.32,
    };

    private short ShuntRegister()
    {
        double shuntVolts = Math.Clamp(rail().Amps * shuntOhms, -PgaLimitVolts, PgaLimitVolts);
        return (short)Math.Round(shuntVolts / 10e-6);
    }

    private int BusRegister()
    {
        double fullScale = (_config & 0x2000) != 0 ? 32 : 16;
        double volts = Math.Clamp(rail().Volts, 0, fullScale);
        return (int)Math.Round(volts / 0.004) & 0x1FFF;
    }

    private short CurrentRegister() => (short)Math.Clamp(ShuntRegister() * _calibration / 4096, short.MinValue, short.MaxValue);

    private ushort PowerRegister() => (ushort)Math.Clamp(Math.Abs(CurrentRegister()) * BusRegister() / 5000, 0, ushort.MaxValue);
}
