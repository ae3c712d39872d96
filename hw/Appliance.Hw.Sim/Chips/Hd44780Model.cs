using System.Text;

namespace Appliance.Hw.Sim.Chips;

/// <summary>
/// The HD44780 character LCD controller as its bus pins see it: instructions and data latched
/// on the falling edge of E, 8-bit mode at power-up switching to 4-bit by function set, and the
/// display data RAM whose visible window is the screen.
/// </summary>
public sealed class Hd44780Model(int columns, int rows)
{
    private readonly byte[] _ddram = CreateBlankRam();
    private readonly byte[] _cgram = new byte[64];
    private bool _fourBit;
    private bool _haveHighNibble;
    private byte _highNibble;
    private int _address;
    private bool _addressIsCgram;
    private bool _increment = true;
    private bool _enable;

    public int Columns { get; } = columns;
    public int Rows { get; } = rows;
    public bool DisplayOn { get; private set; }
    public bool CursorOn { get; private set; }
    public bool BlinkOn { get; private set; }

    /// <summary>The DDRAM address where each row starts (the 20x4 layout interleaves rows 2 and 3).</summary>
    public int RowStart(int row) => row switch
    {
        0 => 0x00,
        1 => 0x40,
        2 => Columns,
        _ => 0x40 + Columns,
    };

    /// <summary>The characters each row shows, as the display memory holds them.</summary>
    public string[] Lines()
    {
        var lines = new string[Rows];
        for (int row = 0; row < Rows; row++)
        {
            var text = new StringBuilder(Columns);
            for (int col = 0; col < Columns; col++)
            {
                byte code = _ddram[RowStart(row) + col];
                text.Append(code is >= 0x20 and < 0x7F ? (char)code : code < 8 ? '\u25A0' : '?');
            }

            lines[row] = text.ToString();
        }

        return lines;
    }

    /// <summary>Called with the pin levels each time the backpack changes them.</summary>
    public void Pins(bool registerSelect, bool read, bool enable, byte dataNibble)
    {
        bool falling = _enable && !enable;
        _enable = enable;
        if (!falling || read)
        {
            return;
        }

        if (!_fourBit)
        {
            // In 8-bit mode only D7..D4 are wired on a 4-bit backpack; the low nibble reads as zero.
            Accept(registerSelect, (byte)(dataNibble << 4));
            return;
        }

        if (!_haveHighNibble)
        {
            _highNibble = dataNibble;
            _haveHighNibble = true;
            return;
        }

        _haveHighNibble = false;
        Accept(registerSelect, (byte)((_highNibble << 4) | dataNibble));
    }

    private void Accept(bool registerSelect, byte value)
    {
        if (registerSelect)
        {
            WriteData(value);
        }
        else
        {
            Instruction(value);
        }
    }

    private void WriteData(byte value)
    {
        if (_addressIsCgram)
        {
            _cgram[_address & 0x3F] = value;
            _address = (_address + (_increment ? 1 : -1)) & 0x3F;
            return;
        }

        _ddram[_address] = value;
        _address = NextDdramAddress(_address);
    }

    private int NextDdramAddress(int address)
    {
        // DDRAM is two 40-byte lines at 0x00 and 0x40; the counter skips the gap between them.
        address += _increment ? 1 : -1;
        return address switch
        {
            0x28 => 0x40,
            0x68 => 0x00,
            -1 => 0x67,
            0x3F => 0x27,
            _ => address,
        };
    }

    private void Instruction(byte value)
    {
        if (value >= 0x80)
        {
            _addressIsCgram = false;
            _address = value & 0x7F;
            if (_address is > 0x27 and < 0x40 or > 0x67)
            {
                _address = 0;
            }
        }
        else if (value >= 0x40)
        {
            _addressIsCgram = true;
            _address = value & 0x3F;
        }
        else if (value >= 0x20)
        {
            // Function set: DL (bit 4) chooses the interface width.
            bool eightBit = (value & 0x10) != 0;
            _fourBit = !eightBit;
            _haveHighNibble = false;
        }
        else if (value >= 0x10)
        {
            // Cursor or display shift: not used by the panel; the window stays unshifted.
        }
        else if (value >= 0x08)
        {
            DisplayOn = (value & 0x04) != 0;
            CursorOn = (value & 0x02) != 0;
            BlinkOn = (value & 0x01) != 0;
        }
        else if (value >= 0x04)
        {
            _increment = (value & 0x02) != 0;
        }
        else if (value >= 0x02)
        {
            _address = 0;
            _addressIsCgram = false;
        }
        else if (value == 0x01)
        {
            Array.Fill(_ddram, (byte)' ');
            _address = 0;
            _addressIsCgram = false;
            _increment = true;
        }
    }

    private static byte[] CreateBlankRam()
    {
        var ram = new byte[0x68];
        Array.Fill(ram, (byte)' ');
        return ram;
    }
}
