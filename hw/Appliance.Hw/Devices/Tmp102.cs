using System.Buffers.Binary;
using System.Device.I2c;
using UnitsNet;

namespace Appliance.Hw.Devices;

/// <summary>TI TMP102 digital temperature sensor (12-bit, 0.0625 °C, 13-bit in extended mode).</summary>
public sealed class Tmp102 : IDisposable
{
    /// <summary>Address with ADD0 tied to ground.</summary>
    public const byte DefaultI2cAddress = 0x48;

    private const ushort ExtendedModeBit = 0x0010;
    private const ushort ShutdownBit = 0x0100;
    private readonly I2cDevice _i2cDevice;

    public Tmp102(I2cDevice i2cDevice)
    {
        _i2cDevice = i2cDevice;
    }

    /// <summary>The latest conversion result.</summary>
    public Temperature Temperature
    {
        get
        {
            ushort config = ReadRegister(Tmp102Register.Configuration);
            short raw = (short)ReadRegister(Tmp102Register.Temperature);

            // The result is left-justified; an arithmetic shift keeps the sign of readings below zero.
            int counts = (config & ExtendedModeBit) != 0 ? raw >> 3 : raw >> 4;
            return Temperature.FromDegreesCelsius(counts * 0.0625);
        }
    }

    /// <summary>Shutdown mode stops conversions to save power.</summary>
    public bool Shutdown
    {
        get => (ReadRegister(Tmp102Register.Configuration) & ShutdownBit) != 0;
        set
        {
            ushort config = ReadRegister(Tmp102Register.Configuration);
            config = value ? (ushort)(config | ShutdownBit) : (ushort)(config & ~ShutdownBit);
            WriteRegister(Tmp102Register.Configuration, config);
        }
    }

    public void Dispose() => _i2cDevice.Dispose();

    private ushort ReadRegister(Tmp102Register register)
    {
        Span<byte> buffer = stackalloc byte[2];
        _i2cDevice.WriteRead([(byte)register], buffer);
        return BinaryPrimitives.ReadUInt16BigEndian(buffer);
    }

    private void WriteRegister(Tmp102Register register, ushort value)
    {
        Span<byte> buffer = stackalloc byte[3];
        buffer[0] = (byte)register;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[1..], value);
        _i2cDevice.Write(buffer);
    }
}
