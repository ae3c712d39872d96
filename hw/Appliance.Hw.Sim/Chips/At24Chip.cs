namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// AT24 EEPROM: an address pointer of one byte (up to 256 bytes) or two, sequential reads that
/// wrap at the end of the array, and page writes that wrap within their page. The write cycle
/// completes at once.
/// </summary>
public sealed class At24Chip : ISimChip
{
    private readonly byte[] _memory;
    private readonly int _pageSize;
    private int _pointer;

    public At24Chip(int size, ReadOnlySpan<byte> contents)
    {
        _memory = new byte[size];
        _memory.AsSpan().Fill(0xFF);
        Program(contents);
        _pageSize = size switch
        {
            <= 256 => 8,
            <= 8192 => 32,
            <= 32768 => 64,
            _ => 128,
        };
    }

    public ReadOnlySpan<byte> Contents => _memory;

    private bool TwoAddressBytes => _memory.Length > 256;

    /// <summary>Writes from the chip's other side (a second master behind a bus arbiter), bypassing the pointer.</summary>
    public void Program(ReadOnlySpan<byte> data)
    {
        data[..Math.Min(data.Length, _memory.Length)].CopyTo(_memory);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        int header = TwoAddressBytes ? 2 : 1;
        if (data.Length < header)
        {
            return;
        }

        _pointer = (TwoAddressBytes ? (data[0] << 8) | data[1] : data[0]) % _memory.Length;
        ReadOnlySpan<byte> payload = data[header..];
        int pageStart = _pointer - (_pointer % _pageSize);
        for (int i = 0; i < payload.Length; i++)
        {
            _memory[pageStart + ((_pointer - pageStart + i) % _pageSize)] = payload[i];
        }
    }

    public void Read(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = _memory[_pointer];
            _pointer = (_pointer + 1) % _memory.Length;
        }
    }
}
