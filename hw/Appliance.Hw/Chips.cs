using System.Device.I2c;
using Appliance.Hw.Boards;
using Appliance.Hw.Devices;
using Iot.Device.Adc;
using Iot.Device.Lm75;
using Iot.Device.Mcp9808;

namespace Appliance.Hw;

/// <summary>
/// Every chip a board file may name (<see cref="ChipKind"/>), with its driver: the bindings from
/// Iot.Device.Bindings where the package has one, ours (<c>Devices/</c>) where it does not.
/// Adding a chip is a <see cref="ChipKind"/> member, an entry here and a simulated chip.
/// </summary>
public static class Chips
{
    private static readonly Dictionary<ChipKind, ChipDescriptor> All = new ChipDescriptor[]
    {
        new()
        {
            Kind = ChipKind.Lm75,
            Open = (i2c, _) => new Lm75(i2c),
            Measures = new Dictionary<SensorKind, Func<IDisposable, double>>
            {
                [SensorKind.Temperature] = ChipDescriptor.Read((Lm75 d) => d.Temperature.DegreesCelsius),
            },
        },
        new()
        {
            Kind = ChipKind.Mcp9808,
            Open = (i2c, _) => new Mcp9808(i2c),
            Measures = new Dictionary<SensorKind, Func<IDisposable, double>>
            {
                [SensorKind.Temperature] = ChipDescriptor.Read((Mcp9808 d) => d.Temperature.DegreesCelsius),
            },
        },
        new()
        {
            Kind = ChipKind.Tmp102,
            Open = (i2c, _) => new Tmp102(i2c),
            Measures = new Dictionary<SensorKind, Func<IDisposable, double>>
            {
                [SensorKind.Temperature] = ChipDescriptor.Read((Tmp102 d) => d.Temperature.DegreesCelsius),
            },
        },
        new()
        {
            Kind = ChipKind.Ina219,
            Open = OpenIna219,
            Measures = new Dictionary<SensorKind, Func<IDisposable, double>>
            {
                [SensorKind.Voltage] = ChipDescriptor.Read((Ina219 d) => d.ReadBusVoltage().Volts),
                [SensorKind.Current] = ChipDescriptor.Read((Ina219 d) => d.ReadCurrent().Amperes),
                [SensorKind.Power] = ChipDescriptor.Read((Ina219 d) => (double)d.ReadPower().Watts),
            },
            Properties =
            [
                new("shuntOhms", d => d.ShuntOhms, v => v is > 0, "an ina219 needs its shunt resistance in ohms"),
                new("maxCurrentAmps", d => d.MaxCurrentAmps, v => v is > 0, "an ina219 needs its expected maximum current"),
            ],
        },
        new()
        {
            Kind = ChipKind.Emc2305,
            Open = (i2c, _) => new Emc2305(i2c),
        },
        new()
        {
            Kind = ChipKind.At24,
            Open = (i2c, d) => new At24(i2c, d.SizeBytes!.Value),
            Properties =
            [
                new("sizeBytes", d => d.SizeBytes, v => v is 128 or 256 or 4096 or 8192 or 16384 or 32768 or 65536,
                    "an at24 is 128, 256 or 4096..65536 bytes (a power of two)"),
            ],
        },
        new()
        {
            Kind = ChipKind.Pcf8574Lcd,
            Open = (i2c, d) => new PanelLcd(i2c, d.Rows!.Value),
            Properties =
            [
                new("columns", d => d.Columns, v => v is 16 or 20, "the LCD must be 16 or 20 columns"),
                new("rows", d => d.Rows, v => v is 2 or 4, "the LCD must be 2 or 4 rows"),
            ],
        },
    }.ToDictionary(c => c.Kind);

    public static ChipDescriptor Of(ChipKind kind) =>
        All.TryGetValue(kind, out ChipDescriptor? chip) ? chip : throw new NotSupportedException($"no driver for chip {kind}");

    private static Ina219 OpenIna219(I2cDevice i2c, DeviceDescription device)
    {
        var ina = new Ina219(i2c);
        ina.Reset();
        ina.BusVoltageRange = Ina219BusVoltageRange.Range32v;
        ina.PgaSensitivity = Ina219PgaSensitivity.PlusOrMinus160mv;
        ina.BusAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc12Bit;
        ina.ShuntAdcResolutionOrSamples = Ina219AdcResolutionOrSamples.Adc12Bit;
        ina.OperatingMode = Ina219OperatingMode.ShuntAndBusContinuous;

        // The datasheet's calibration: Current_LSB = Imax / 2^15, Cal = 0.04096 / (Current_LSB * Rshunt).
        double currentLsb = device.MaxCurrentAmps!.Value / 32768;
        ushort calibration = (ushort)Math.Min(0xFFFE, Math.Truncate(0.04096 / (currentLsb * device.ShuntOhms!.Value)));
        ina.SetCalibration(calibration, (float)currentLsb);
        return ina;
    }
}
