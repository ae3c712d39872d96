using Appliance.Hw.Devices;

namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// EMC2305 fan controller: a 256-byte register file with the fan setting (PWM duty) registers
/// read by the fan physics, and tachometer counts computed from each fan's speed on read.
/// </summary>
public sealed class Emc2305Chip : PointerRegisterChip
{
    private readonly byte[] _registers = new byte[256];
    private readonly Func<int, double> _rpm;

    /// <param name="rpm">The speed of the fan on a channel, from the physics.</param>
    public Emc2305Chip(Func<int, double> rpm)
    {
        _rpm = rpm;
        _registers[(byte)Emc2305Register.ProductId] = Emc2305.ProductIdValue;
        _registers[(byte)Emc2305Register.ManufacturerId] = Emc2305.ManufacturerIdValue;
        _registers[(byte)Emc2305Register.Revision] = Emc2305.RevisionValue;
        for (int fan = 0; fan < Emc2305.FanCount; fan++)
        {
            _registers[Emc2305.FanRegister(fan, Emc2305Register.FanConfiguration1)] = 0x2B; // its power-on value
        }
    }

    /// <summary>The duty a channel is driving, 0..1.</summary>
    public double Duty(int channel) => _registers[Emc2305.FanRegister(channel, Emc2305Register.FanSetting)] / 255.0;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        // Auto-increment: SMBus block writes continue at the next register.
        for (int i = 0; i < value.Length; i++)
        {
            byte r = (byte)(register + i);
            if (!IsReadOnly((Emc2305Register)r))
            {
                _registers[r] = value[i];
            }
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = Value((byte)(register + i));
        }
    }

    private byte Value(byte register)
    {
        if ((Emc2305Register)register == Emc2305Register.FanStallStatus)
        {
            byte stalled = 0;
            for (int channel = 0; channel < Emc2305.FanCount; channel++)
            {
                if (Duty(channel) > 0.1 && Count(channel) >= Emc2305.StoppedCount)
                {
                    stalled |= (byte)(1 << channel);
                }
            }

            return stalled;
        }

        if (FanRegisterAt(register) is (int fan, Emc2305Register offset) && offset is Emc2305Register.TachReadingHigh or Emc2305Register.TachReadingLow)
        {
            int count = Count(fan);
            return offset == Emc2305Register.TachReadingHigh ? (byte)(count >> 5) : (byte)((count & 0x1F) << 3);
        }

        return _registers[register];
    }

    private int Count(int fan)
    {
        double rpm = _rpm(fan);
        return rpm < Emc2305.RpmCountProduct / Emc2305.StoppedCount ? Emc2305.StoppedCount : (int)Math.Round(Emc2305.RpmCountProduct / rpm);
    }

    /// <summary>The fan and per-fan register an address belongs to, or null for the chip's common registers.</summary>
    private static (int Fan, Emc2305Register Offset)? FanRegisterAt(byte register)
    {
        int index = register - Emc2305.FirstFanRegister;
        return index >= 0 && index < Emc2305.FanCount * Emc2305.FanRegisterStride
            ? (index / Emc2305.FanRegisterStride, (Emc2305Register)(index % Emc2305.FanRegisterStride))
            : null;
    }

    /// <summary>The status registers and the chip's identity are not writable.</summary>
    private static bool IsReadOnly(Emc2305Register register) => register is
        Emc2305Register.FanStatus or Emc2305Register.FanStallStatus or Emc2305Register.FanSpinStatus or Emc2305Register.DriveFailStatus
        or Emc2305Register.ProductId or Emc2305Register.ManufacturerId or Emc2305Register.Revision;
}
