namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// The EE1004 page-select addresses, answered by every DDR4 SPD on the bus: a write to SPA0 (0x36)
/// or SPA1 (0x37) selects page 0 or 1; reading 0x36 (RPA) is acknowledged only while page 0 is
/// selected. They exist only while at least one DIMM is fitted.
/// </summary>
public sealed class SpdPageSelectChip(SpdPage page, int selects) : ISimChip
{
    public void Write(ReadOnlySpan<byte> data) => page.Current = selects;

    public void Read(Span<byte> buffer)
    {
        if (selects != 0 || page.Current != 0)
        {
            throw new IOException($"SPD page address 0x{0x36 + selects:x2}: no acknowledge (page {page.Current} selected)");
        }

        buffer.Fill(0xFF);
    }
}
