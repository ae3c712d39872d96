using System.Device.I2c;

namespace Appliance.Hw.Devices;

/// <summary>
/// AT24-family serial EEPROM: one address byte up to 256 bytes (24C01/02), two address bytes from
/// 4 KiB (24C32 and up). Writes are split at page boundaries and wait out the write cycle by
/// acknowledge polling, as the datasheet describes.
/// </summary>
public sealed class At24 : IDisposable
{
    public const byte DefaultI2cAddress = 0x50;

    private static readonly TimeSpan WriteCycleLimit = TimeSpan.FromMilliseconds(20);
    private readonly I2cDevice _i2cDevice;

    public At24(I2cDevice i2cDevice, int sizeBytes)
    {
        if (sizeBytes is not (128 or 256) && sizeBytes is < 4096 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "supported sizes are 128, 256 and 4096..65536 bytes");
        }

        _i2cDevice = i2cDevice;
        Size = sizeBytes;
        PageSize = sizeBytes switch
        {
            <= 256 => 8,
            <= 8192 => 32,
            <= 32768 => 64,
            _ => 128,
        };
    }

    public int Size { get; }
    public int PageSize { get; }
    private bool TwoAddressBytes => Size > 256;

    /// <summary>Reads from <paramref name="address"/> into the whole of <paramref name="buffer"/>.</summary>
    public void Read(int address, Span<byte> buffer)
    {
        CheckRange(address, buffer.Length);
        Span<byte> pointer = stackalloc byte[2];
        _i2cDevice.WriteRead(Pointer(address, pointer), buffer);
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="address"/>, page by page.</summary>
    public void Write(int address, ReadOnlySpan<byte> data)
    {
        CheckRange(address, data.Length);
        Span<byte> frame = stackalloc byte[2 + PageSize];
        while (!data.IsEmpty)
        {
            int room = PageSize - (address % PageSize);
            int chunk = Math.Min(room, data.Length);
            int header = Pointer(address, frame).Length;
            data[..chunk].CopyTo(frame[header..]);
            _i2cDevice.Write(frame[..(header + chunk)]);
            WaitForWriteCycle();
            address += chunk;
            data = data[chunk..];
        }
    }

    public void Dispose() => _i2cDevice.Dispose();

    private Span<byte> Pointer(int address, Span<byte> into)
    {
        if (TwoAddressBytes)
        {
            into[0] = (byte)(address >> 8);
            into[1] = (byte)address;
            return into[..2];
        }

        into[0] = (byte)address;
        return into[..1];
    }

    // The chip does not acknowledge its address while a write cycle runs.
    private void WaitForWriteCycle()
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                _i2cDevice.Read(stackalloc byte[1]);
                return;
            }
            catch (IOException) when (System.Diagnostics.Stopwatch.GetElapsedTime(start) < WriteCycleLimit)
            {
                Thread.Sleep(1);
            }
        }
    }

    private void CheckRange(int address, int length)
    {
        if (address < 0 || length < 0 || address + length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"{length} bytes at {address} do not fit a {Size}-byte EEPROM");
        }
    }
}
