using System.Device.Gpio;
using System.Device.I2c;
using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim;

/// <summary>The simulated board's buses as an <see cref="IBoardPlatform"/>.</summary>
public sealed class SimPlatform(SimBoard board) : IBoardPlatform
{
    public GpioDriver CreateGpioDriver() => new SimGpioDriver(board);

    public int LineOffset(GpioLineDescription line) => line.Offset!.Value;

    public I2cDevice CreateI2cDevice(int bus, int address) => new SimI2cDevice(board, new I2cConnectionSettings(bus, address));

    public IHostSerialPort? OpenHostSerialPort() => new SimHostSerialPort(board.SerialPort);
}
