using System.Device.Gpio;
using System.Device.I2c;
using Appliance.Hw.Boards;
using Appliance.Hw.SystemInterface;

namespace Appliance.Hw;

/// <summary>
/// Where a board's buses come from: the Linux GPIO character device and /dev/i2c-N on a real
/// board, the register-level simulator elsewhere. Everything above it is the same code.
/// </summary>
public interface IBoardPlatform
{
    /// <summary>A GPIO driver whose pin numbers are the lines' offsets on the board's chip.</summary>
    GpioDriver CreateGpioDriver();

    /// <summary>The offset of a line on the chip.</summary>
    int LineOffset(GpioLineDescription line);

    I2cDevice CreateI2cDevice(int bus, int address);

    /// <summary>The BMC's end of the host's system interface (KCS); null when the board has none.</summary>
    ISystemInterfaceDevice? OpenSystemInterface() => null;

    /// <summary>The host's serial console; null on a board that gives the BMC none.</summary>
    IHostSerialPort? OpenHostSerialPort() => null;
}
