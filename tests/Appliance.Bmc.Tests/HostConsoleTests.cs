using System.Device.Gpio;
using System.Device.I2c;
using System.Text;
using Appliance.Bmc.Serial;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Bmc.Tests;

/// <summary>
/// The BMC's copy of the host's console output: a viewer who arrives late gets the last 64 KiB the
/// host wrote, oldest first, then what follows; a viewer who leaves gets nothing more. The host end
/// is a serial port the test writes to as the host would (the board is the one thing simulated).
/// </summary>
public sealed class HostConsoleTests : IDisposable
{
    private readonly SimBoard _sim = new(BoardFile.Load(Repo.Hc1), TimeProvider.System);
    private readonly HostEnd _port = new();
    private readonly Board _board;
    private readonly HostConsole _console;

    public HostConsoleTests()
    {
        _board = new Board(_sim.Description, new PortOnly(_sim.Platform, _port));
        _console = new HostConsole(_board, NullLogger<HostConsole>.Instance);
    }

    public void Dispose()
    {
        _console.Dispose();
        _board.Dispose();
        _sim.Dispose();
    }

    [Fact]
    public void A_late_viewer_gets_the_last_64_KiB_then_what_follows()
    {
        // 100 numbered lines of 1000 bytes: more than the history holds, so it wraps.
        for (int i = 0; i < 100; i++)
        {
            _port.HostWrites(Line(i));
        }

        var seen = new StringBuilder();
        using (_console.Watch(data => seen.Append(Encoding.ASCII.GetString(data.Span))))
        {
            _port.HostWrites("after\r\n");
        }

        _port.HostWrites("gone\r\n");
        string all = string.Concat(Enumerable.Range(0, 100).Select(Line));
        Assert.Equal(all[^HostConsole.HistoryBytes..] + "after\r\n", seen.ToString());
        Assert.Equal(HostConsole.HistoryBytes, _console.Recent().Length);
        Assert.EndsWith("gone\r\n", Encoding.ASCII.GetString(_console.Recent()), StringComparison.Ordinal);
    }

    [Fact]
    public void Typing_and_breaks_go_to_the_host()
    {
        _console.Write("ls\r"u8);
        _console.SendBreak();
        Assert.Equal("ls\r", Encoding.ASCII.GetString(_port.Typed.ToArray()));
        Assert.Equal(1, _port.Breaks);
    }

    private static string Line(int i) => $"{i:D4} " + new string((char)('a' + (i % 26)), 993) + "\r\n";

    /// <summary>The host's side of the serial line.</summary>
    private sealed class HostEnd : IHostSerialPort
    {
        private Action<ReadOnlyMemory<byte>>? _received;

        public List<byte> Typed { get; } = [];

        public int Breaks { get; private set; }

        public void HostWrites(string text) => _received!(Encoding.ASCII.GetBytes(text));

        public void Open(Action<ReadOnlyMemory<byte>> received) => _received = received;

        public void Write(ReadOnlySpan<byte> data) => Typed.AddRange(data.ToArray());

        public void SendBreak() => Breaks++;

        public void Dispose()
        {
        }
    }

    /// <summary>The simulated board's buses with the test's serial line.</summary>
    private sealed class PortOnly(IBoardPlatform buses, IHostSerialPort port) : IBoardPlatform
    {
        public GpioDriver CreateGpioDriver() => buses.CreateGpioDriver();

        public int LineOffset(GpioLineDescription line) => buses.LineOffset(line);

        public I2cDevice CreateI2cDevice(int bus, int address) => buses.CreateI2cDevice(bus, address);

        public IHostSerialPort? OpenHostSerialPort() => port;
    }
}
