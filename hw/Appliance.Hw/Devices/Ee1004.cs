using System.Device.I2c;

namespace Appliance.Hw.Devices;

/// <summary>
/// JEDEC EE1004-v: the 512-byte SPD EEPROM on a DDR4 DIMM. It shows one 256-byte page at a time;
/// a write to SPA0 (0x36) or SPA1 (0x37) selects page 0 or 1 for every SPD on the bus at once, so
/// each read selects its page first. An empty slot does not acknowledge its address.
/// </summary>
public sealed class Ee1004 : IDisposable
{
    public const int Size = 512;
    public const int PageSize = 256;

    /// <summary>Set Page Address 0 and 1: write-only, shared by every EE1004 on the bus.</summary>
    public const byte SetPage0Address = 0x36;
    public const byte SetPage1Address = 0x37;

    private readonly I2cDevice _spd;
    private readonly I2cDevice _setPage0;
    private readonly I2cDevice _setPage1;

    /// <param name="spd">The SPD at its slot address (0x50..0x57).</param>
    /// <param name="setPage0">The bus's SPA0 address (0x36).</param>
    /// <param name="setPage1">The bus's SPA1 address (0x37).</param>
    public Ee1004(I2cDevice spd, I2cDevice setPage0, I2cDevice setPage1)
    {
        _spd = spd;
        _setPage0 = setPage0;
        _setPage1 = setPage1;
    }

    /// <summary>Reads from <paramref name="address"/> (0..511) into the whole of <paramref name="buffer"/>, across the page boundary if need be.</summary>
    public void Read(int address, Span<byte> buffer)
    {
        if (address < 0 || address + buffer.Length > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"{buffer.Length} bytes at {address} do not fit the {Size}-byte SPD");
        }

        while (!buffer.IsEmpty)
        {
            int page = address / PageSize;
            int offset = address % PageSize;
            int chunk = Math.Min(PageSize - offset, buffer.Length);
            SelectPage(page);
            _spd.WriteRead([(byte)offset], buffer[..chunk]);
            address += chunk;
            buffer = buffer[chunk..];
        }
    }

    /// <summary>The whole EEPROM.</summary>
    public byte[] ReadAll()
    {
        byte[] contents = new byte[Size];
        Read(0, contents);
        return contents;
    }

    public void Dispose()
    {
        _spd.Dispose();
        _setPage0.Dispose();
        _setPage1.Dispose();
    }

    // The data byte is a don't-care; Linux's ee1004 driver writes 0x00 too.
    private void SelectPage(int page) => (page == 0 ? _setPage0 : _setPage1).WriteByte(0x00);
}
