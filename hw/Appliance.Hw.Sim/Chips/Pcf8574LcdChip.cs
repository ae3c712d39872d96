namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// A PCF8574 I/O expander wired as the common LCD backpack: P0=RS, P1=RW, P2=E, P3=backlight,
/// P4..P7=D4..D7 of an HD44780. Every byte written to the expander is a new set of pin levels.
/// </summary>
public sealed class Pcf8574LcdChip(int columns, int rows) : ISimChip
{
    private byte _port = 0xFF;

    public Hd44780Model Lcd { get; } = new(columns, rows);

    public bool Backlight => (_port & 0x08) != 0;

    public void Write(ReadOnlySpan<byte> data)
    {
        foreach (byte value in data)
        {
            _port = value;
            Lcd.Pins(registerSelect: (value & 0x01) != 0, read: (value & 0x02) != 0, enable: (value & 0x04) != 0, dataNibble: (byte)(value >> 4));
        }
    }

    public void Read(Span<byte> buffer) => buffer.Fill(_port);
}
