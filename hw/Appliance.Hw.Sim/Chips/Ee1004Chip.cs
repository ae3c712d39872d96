using Appliance.Hw.Devices;

namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// A DDR4 DIMM's EE1004 SPD EEPROM: 512 bytes seen through the bus-wide page (see
/// <see cref="SpdPageSelectChip"/>), a one-byte address pointer within the page, and sequential
/// reads that roll over within the page. Its blocks are write protected, as modules ship.
/// </summary>
public sealed class Ee1004Chip(byte[] contents, SpdPage page) : ISimChip
{
    private int _pointer;

    public ReadOnlySpan<byte> Contents => contents;

    /// <summary>Fault: flips the bits of one byte, as a worn or mis-programmed EEPROM would hold it.</summary>
    public void Corrupt(int offset) => contents[offset] ^= 0xFF;

    public void Write(ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            _pointer = data[0];
        }
    }

    public void Read(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = contents[(page.Current * Ee1004.PageSize) + _pointer];
            _pointer = (_pointer + 1) % Ee1004.PageSize;
        }
    }
}
