using System.Device.Gpio;
using System.Device.I2c;
using Iot.Device.CharacterLcd;
using Iot.Device.Pcx857x;

namespace Appliance.Hw.Devices;

/// <summary>
/// A character LCD (HD44780) behind a PCF8574 backpack wired RS=P0, RW=P1, E=P2, backlight=P3,
/// D4..D7=P4..P7: the LCD and the expander under it, owned together.
/// </summary>
internal sealed class PanelLcd : IDisposable
{
    private readonly Pcf8574 _expander;
    private readonly GpioController _controller;

    public PanelLcd(I2cDevice i2c, int rows)
    {
        _expander = new Pcf8574(i2c);
        _controller = new GpioController(_expander);
        int[] data = [4, 5, 6, 7];
        Display = rows == 4
            ? new Lcd2004(registerSelectPin: 0, enablePin: 2, dataPins: data, backlightPin: 3, readWritePin: 1, controller: _controller, shouldDispose: false)
            : new Lcd1602(registerSelectPin: 0, enablePin: 2, dataPins: data, backlightPin: 3, readWritePin: 1, controller: _controller, shouldDispose: false);
    }

    public Hd44780 Display { get; }

    public void Dispose()
    {
        Display.Dispose();
        _controller.Dispose();
        _expander.Dispose();
    }
}
