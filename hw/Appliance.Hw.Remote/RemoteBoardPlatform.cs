using System.Device.Gpio;
using System.Device.I2c;
using Appliance.Hw.Boards;
using Appliance.Hw.SystemInterface;

namespace Appliance.Hw.Remote;

/// <summary>The buses of a simulated board running in another process (appliance-board-sim).</summary>
public sealed class RemoteBoardPlatform(string socketPath) : IBoardPlatform, IDisposable
{
    private readonly BoardClient _client = new(socketPath);

    public BoardClient Client => _client;

    public GpioDriver CreateGpioDriver() => new RemoteGpioDriver(_client);

    public int LineOffset(GpioLineDescription line) => line.Offset!.Value;

    public I2cDevice CreateI2cDevice(int bus, int address) => new RemoteI2cDevice(_client, new I2cConnectionSettings(bus, address));

    /// <summary>The host's system interface, relayed by the board process (serve --system-interface).</summary>
    public ISystemInterfaceDevice? OpenSystemInterface() => new RemoteSystemInterface(socketPath);

    public IHostSerialPort? OpenHostSerialPort() => new RemoteHostSerialPort(socketPath);

    public void Dispose() => _client.Dispose();
}
