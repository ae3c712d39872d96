namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// EMC2305 fan controller: a 256-byte register file with the fan setting (PWM duty) registers
/// read by the fan physics, and tachometer counts computed from each fan's speed on read.
/// </summary>
public sealed class Emc2305Chip : PointerRegisterChip
{
    public const int FanCount = 5;
    private const double RpmCountProduct = 3_932_160;
    private const int StoppedCount = 0x1FFF;

    private readonly byte[] _registers = new byte[256];
    private readonly Func<int, double> _rpm;

    /// <param name="rpm">The speed of the fan on a channel, from the physics.</param>
    public Emc2305Chip(Func<int, double> rpm)
    {
        _rpm = rpm;
        _registers[0xFD] = 0x34;
        _registers[0xFE] = 0x5D;
        _registers[0xFF] = 0x80;
        for (int fan = 0; fan < FanCount; fan++)
        {
            _registers[Base(fan) + 0x02] = 0x2B; // power-on Fan Configuration 1
        }
    }

    /// <summary>The duty a channel is driving, 0..1.</summary>
    public double Duty(int channel) => _registers[Base(channel)] / 255.0;

    protected override void WriteRegister(byte register, ReadOnlySpan<byte> value)
    {
        // Auto-increment: SMBus block writes continue at the next register.
        for (int i = 0; i < value.Length; i++)
        {
            int r = (register + i) & 0xFF;
            if (r < 0xFD && !IsStatus(r))
            {
                _registers[r] = value[i];
            }
        }
    }

    protected override void ReadRegister(byte register, Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            int r = (register + i) & 0xFF;
            buffer[i] = Value(r);
        }
    }

    private byte Value(int register)
    {
        if (register == 0x25)
        {
            byte stalled = 0;
            for (int fan = 0; fan < FanCount; fan++)
            {
                if (Duty(fan) > 0.1 && Count(fan) >= StoppedCount)
                {
                    stalled |= (byte)(1 << fan);
                }
            }

            return stalled;
        }

        if (register is >= 0x30 and < 0x80 && (register & 0x0F) is 0x0E or 0x0F)
        {
            int count = Count((register - 0x30) >> 4);
            return (register & 0x0F) == 0x0E ? (byte)(count >> 5) : (byte)((count & 0x1F) << 3);
        }

        return _registers[register];
    }

    private int Count(int fan)
    {
        double rpm = _rpm(fan);
        return rpm < RpmCountProduct / StoppedCount ? StoppedCount : (int)Math.Round(RpmCountProduct / rpm);
    }

    private static bool IsStatus(int register) => register is >= 0x24 and <= 0x27;

    private static int Base(int fan) => 0x30 + (0x10 * fan);
}
