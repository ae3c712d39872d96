using System.Device.I2c;
using UnitsNet;

namespace Appliance.Hw.Devices;

/// <summary>
/// Microchip EMC2305: five PWM fan drivers with tachometer counters, used here in direct-drive
/// mode (the BMC's thermal loop sets the duty; the chip only counts the tachometers).
/// </summary>
public sealed class Emc2305 : IDisposable
{
    public const byte DefaultI2cAddress = 0x4D;
    public const int FanCount = 5;
    public const byte ProductIdValue = 0x34;
    public const byte ManufacturerIdValue = 0x5D;
    public const byte RevisionValue = 0x80;

    /// <summary>Fan 0's registers start here; each further fan's start <see cref="FanRegisterStride"/> later.</summary>
    public const byte FirstFanRegister = 0x30;
    public const byte FanRegisterStride = 0x10;

    /// <summary>Count at or above which the counter has overflowed: the fan is stopped.</summary>
    public const int StoppedCount = 0x1FFF;

    /// <summary>
    /// RPM = 3,932,160 / count for a two-pole fan counted over five edges with the 500 RPM range
    /// (multiplier 1) and the 32.768 kHz tach clock.
    /// </summary>
    public const double RpmCountProduct = 3_932_160;

    // Fan Configuration 1: RPM control off, range 500 RPM (m = 1), 5 edges (2 poles), 400 ms update.
    private const byte DirectDriveConfiguration = 0b0_00_01_011;

    private readonly I2cDevice _i2cDevice;

    public Emc2305(I2cDevice i2cDevice)
    {
        _i2cDevice = i2cDevice;
        byte product = Read(Emc2305Register.ProductId);
        byte manufacturer = Read(Emc2305Register.ManufacturerId);
        if (product != ProductIdValue || manufacturer != ManufacturerIdValue)
        {
            throw new IOException(
                $"no EMC2305 at 0x{i2cDevice.ConnectionSettings.DeviceAddress:x2} on bus {i2cDevice.ConnectionSettings.BusId}: " +
                $"product 0x{product:x2}, manufacturer 0x{manufacturer:x2}");
        }

        for (int fan = 0; fan < FanCount; fan++)
        {
            WriteFan(fan, Emc2305Register.FanConfiguration1, DirectDriveConfiguration);
        }
    }

    /// <summary>Sets a fan's PWM duty.</summary>
    public void SetDutyCycle(int fan, Ratio duty)
    {
        double fraction = Math.Clamp(duty.DecimalFractions, 0, 1);
        WriteFan(fan, Emc2305Register.FanSetting, (byte)Math.Round(fraction * 255));
    }

    /// <summary>The PWM duty the chip is driving.</summary>
    public Ratio GetDutyCycle(int fan) => Ratio.FromDecimalFractions(ReadFan(fan, Emc2305Register.FanSetting) / 255.0);

    /// <summary>The fan speed from its tachometer; zero when the fan is stopped.</summary>
    public RotationalSpeed GetFanSpeed(int fan)
    {
        int high = ReadFan(fan, Emc2305Register.TachReadingHigh);
        int low = ReadFan(fan, Emc2305Register.TachReadingLow);
        int count = (high << 5) | (low >> 3);
        double rpm = count >= StoppedCount || count == 0 ? 0 : RpmCountProduct / count;
        return RotationalSpeed.FromRevolutionsPerMinute(rpm);
    }

    /// <summary>True when the chip has flagged the fan as stalled.</summary>
    public bool IsStalled(int fan) => (Read(Emc2305Register.FanStallStatus) & (1 << CheckFan(fan))) != 0;

    /// <summary>The address of a per-fan register (<see cref="Emc2305Register.FanSetting"/> .. <see cref="Emc2305Register.TachReadingLow"/>).</summary>
    public static byte FanRegister(int fan, Emc2305Register offset) => (byte)(FirstFanRegister + (FanRegisterStride * CheckFan(fan)) + (byte)offset);

    public void Dispose() => _i2cDevice.Dispose();

    private static int CheckFan(int fan) =>
        fan is >= 0 and < FanCount ? fan : throw new ArgumentOutOfRangeException(nameof(fan), fan, "EMC2305 fans are 0..4");

    private byte ReadFan(int fan, Emc2305Register offset) => Read((Emc2305Register)FanRegister(fan, offset));

    private void WriteFan(int fan, Emc2305Register offset, byte value) => _i2cDevice.Write([FanRegister(fan, offset), value]);

    private byte Read(Emc2305Register register)
    {
        Span<byte> value = stackalloc byte[1];
        _i2cDevice.WriteRead([(byte)register], value);
        return value[0];
    }
}
