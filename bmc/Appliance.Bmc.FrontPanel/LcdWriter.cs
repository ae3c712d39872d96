using Appliance.Hw;
using Iot.Device.CharacterLcd;

namespace Appliance.Bmc.FrontPanel;

/// <summary>
/// Puts rows on the panel LCD through the board's HD44780 driver, sending only the characters
/// that differ from what the display already holds: the I2C backpack moves each character as
/// eight bus writes, so a full redraw is slow on real hardware.
/// </summary>
internal sealed class LcdWriter(Board board)
{
    private string[]? _shown;
    private bool? _backlight;

    /// <summary>What the display holds, as far as this writer knows (null before the first write).</summary>
    public IReadOnlyList<string>? Shown => _shown;

    public bool Backlight => _backlight ?? false;

    /// <exception cref="DeviceException">The LCD did not answer; the next call redraws everything.</exception>
    public void Show(IReadOnlyList<string> rows, bool backlight)
    {
        try
        {
            board.UseLcd(lcd => Write(lcd, rows, backlight));
        }
        catch (DeviceException)
        {
            // The driver reopens (and re-initialises, blanking) the display on its next use.
            _shown = null;
            _backlight = null;
            throw;
        }
    }

    private void Write(ICharacterLcd lcd, IReadOnlyList<string> rows, bool backlight)
    {
        if (_shown is null)
        {
            lcd.Clear();
            _shown = new string[rows.Count];
            for (int row = 0; row < rows.Count; row++)
            {
                _shown[row] = new string(' ', PanelText.Columns);
            }
        }

        for (int row = 0; row < rows.Count; row++)
        {
            string wanted = PanelText.ForDisplay(PanelText.Fit(rows[row]));
            string held = _shown[row];
            int first = 0;
            while (first < wanted.Length && wanted[first] == held[first])
            {
                first++;
            }

            if (first == wanted.Length)
            {
                continue;
            }

            int last = wanted.Length - 1;
            while (wanted[last] == held[last])
            {
                last--;
            }

            lcd.SetCursorPosition(first, row);
            lcd.Write(wanted.AsSpan(first, last - first + 1));
            _shown[row] = wanted;
        }

        if (_backlight != backlight)
        {
            lcd.BacklightOn = backlight;
            _backlight = backlight;
        }
    }
}
