namespace Appliance.Hw.Sim.Chips;

/// <summary>A chip on a simulated I2C bus, seen as the bus sees it: write transfers and read transfers.</summary>
public interface ISimChip
{
    void Write(ReadOnlySpan<byte> data);

    void Read(Span<byte> buffer);
}
