using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Runtime.InteropServices;
using Appliance.Hw.Boards;
using Appliance.Hw.SystemInterface;

namespace Appliance.Hw;

/// <summary>
/// A real board: libgpiod for the BMC's GPIO chip (lines found by their names when the board
/// file gives no offset) and the kernel's /dev/i2c-N buses.
/// </summary>
public sealed partial class LinuxBoardPlatform(BoardDescription board) : IBoardPlatform
{
    public GpioDriver CreateGpioDriver() => new LibGpiodDriver(ChipNumber());

    public int LineOffset(GpioLineDescription line) => line.Offset ?? FindLineByName(line.Name);

    public I2cDevice CreateI2cDevice(int bus, int address) => I2cDevice.Create(new I2cConnectionSettings(bus, address));

    /// <summary>The kcs_bmc device the board file names; the same door answers it as a simulated board's socket.</summary>
    public ISystemInterfaceDevice? OpenSystemInterface() =>
        board.SystemInterface is { } systemInterface ? new KcsBmcDevice(systemInterface.KcsDevice) : null;

    public IHostSerialPort? OpenHostSerialPort() =>
        board.SerialConsole is { } console ? new UartHostSerialPort(console.Device, console.BaudRate) : null;

    private int ChipNumber()
    {
        string chip = board.Gpio.Chip;
        return chip.StartsWith("gpiochip", StringComparison.Ordinal) && int.TryParse(chip.AsSpan(8), out int n)
            ? n
            : throw new BoardFileException(board.SourceFile, "$.gpio.chip", $"\"{chip}\"", "must name a chip as gpiochipN");
    }

    private int FindLineByName(string name)
    {
        IntPtr chip = GpiodChipOpenByName(board.Gpio.Chip);
        if (chip == IntPtr.Zero)
        {
            throw new IOException($"cannot open /dev/{board.Gpio.Chip} to look up line {name}: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            int offset = GpiodChipFindLine(chip, name);
            return offset >= 0
                ? offset
                : throw new IOException($"/dev/{board.Gpio.Chip} has no line named {name}; name it in the device tree or give its offset in the board file");
        }
        finally
        {
            GpiodChipClose(chip);
        }
    }

    // libgpiod 1.x (Debian's libgpiod2): gpiod_chip_find_line returns a line handle, and
    // gpiod_line_offset its offset; both are wrapped so the handle never escapes.
    private static int GpiodChipFindLine(IntPtr chip, string name)
    {
        IntPtr line = GpiodChipFindLineNative(chip, name);
        return line == IntPtr.Zero ? -1 : (int)GpiodLineOffset(line);
    }

    [LibraryImport("libgpiod.so.2", EntryPoint = "gpiod_chip_open_by_name", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial IntPtr GpiodChipOpenByName(string name);

    [LibraryImport("libgpiod.so.2", EntryPoint = "gpiod_chip_find_line", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GpiodChipFindLineNative(IntPtr chip, string name);

    [LibraryImport("libgpiod.so.2", EntryPoint = "gpiod_line_offset")]
    private static partial uint GpiodLineOffset(IntPtr line);

    [LibraryImport("libgpiod.so.2", EntryPoint = "gpiod_chip_close")]
    private static partial void GpiodChipClose(IntPtr chip);
}
