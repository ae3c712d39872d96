using Appliance.Hw.Devices;
using Iot.Device.Adc;

namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// INA219 high-side monitor: shunt voltage (10 µV), bus voltage (4 mV), and the current and
/// power registers it derives from the calibration register, as the datasheet defines them.
/// </summary>
public sealed class Ina219Chip(double shuntOhms, Func<(double Volts, double Amps)> rail) : PointerRegisterChip
{
    private const ushort ResetConfig = 0x399F;
    private const ushort ResetBit = 0x8000;
    private const ushort ConversionReady = 0x2;
    private const ushort PgaBits = 0x1800;
    private ushort _config = ResetConfig;
    private ushort _calibration;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        switch ((Ina219Register)register)
        {
            case Ina219Register.Configuration:
                ushort config = Get16(value);
                if ((config & ResetBit) != 0)
                {
                    _config = ResetConfig;
                    _calibration = 0;
                }
                else
                {
                    _config = config;
                }

                break;
            case Ina219Register.Calibration:
                _calibration = (ushort)(Get16(value) & 0xFFFE);
                break;
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        switch ((Ina219Register)register)
        {
            case Ina219Register.Configuration: Put16(buffer, _config); break;
            case Ina219Register.ShuntVoltage: Put16(buffer, ShuntRegister()); break;
            case Ina219Register.BusVoltage: Put16(buffer, (BusRegister() << 3) | ConversionReady); break;
            case Ina219Register.Power: Put16(buffer, PowerRegister()); break;
            case Ina219Register.Current: Put16(buffer, CurrentRegister()); break;
            case Ina219Register.Calibration: Put16(buffer, _calibration); break;
        }
    }

    private double PgaLimitVolts => (Ina219PgaSensitivity)(_config & PgaBits) switch
    {
        Ina219PgaSensitivity.PlusOrMinus40mv => 0.04,
        Ina219PgaSensitivity.PlusOrMinus80mv => 0.08,
        Ina219PgaSensitivity.PlusOrMinus160mv => 0.16,
        _ => 0.32,
    };

    private double BusFullScaleVolts => (Ina219BusVoltageRange)(_config & (ushort)Ina219BusVoltageRange.Range32v) == Ina219BusVoltageRange.Range32v ? 32 : 16;

    private short ShuntRegister()
    {
        double shuntVolts = Math.Clamp(rail().Amps * shuntOhms, -PgaLimitVolts, PgaLimitVolts);
        return (short)Math.Round(shuntVolts / 10e-6);
    }

    private int BusRegister()
    {
        double volts = Math.Clamp(rail().Volts, 0, BusFullScaleVolts);
        return (int)Math.Round(volts / 0.004) & 0x1FFF;
    }

    private short CurrentRegister() => (short)Math.Clamp(ShuntRegister() * _calibration / 4096, short.MinValue, short.MaxValue);

    private ushort PowerRegister() => (ushort)Math.Clamp(Math.Abs(CurrentRegister()) * BusRegister() / 5000, 0, ushort.MaxValue);
}
