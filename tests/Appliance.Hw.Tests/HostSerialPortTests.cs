using System.Text;
using Appliance.Hw.Boards;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Remote;

namespace Appliance.Hw.Tests;

/// <summary>
/// The host's serial console on the simulated board, from the BMC's end of the board socket (op 9):
/// the firmware's POST messages, then the console command on a pseudo-terminal once POST completes,
/// characters typed reaching it, a break counted at the board, and the console gone with main power.
/// </summary>
public sealed class HostSerialPortTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("serial-").FullName;
    private readonly StringBuilder _received = new();
    private SimBoard _sim = null!;
    private BoardServer _server = null!;

    private string BoardSocket => Path.Combine(_dir, "board.sock");

    public Task InitializeAsync()
    {
        // A console that answers each line it reads, without the terminal's echo.
        const string console = "stty -echo; while IFS= read -r line; do echo \"got:$line\"; done";
        _sim = new SimBoard(BoardFile.Load(Repo.Hc1), TimeProvider.System, new SimBoardOptions { HostConsoleCommand = console });
        _server = new BoardServer(_sim, BoardSocket);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _sim.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Received
    {
        get
        {
            lock (_received)
            {
                return _received.ToString();
            }
        }
    }

    [Fact]
    public async Task The_bmc_end_gets_post_messages_then_talks_to_the_console_until_power_goes()
    {
        using var platform = new RemoteBoardPlatform(BoardSocket);
        using var board = new Board(_sim.Description, platform);
        using IHostSerialPort port = board.OpenHostSerialPort()!;
        port.Open(data =>
        {
            lock (_received)
            {
                _received.Append(Encoding.ASCII.GetString(data.Span));
            }
        });
        using var client = new BoardClient(BoardSocket);
        await PressPowerAsync(board, TimeSpan.FromMilliseconds(200));

        await UntilAsync(() => Received.Contains("hc1 firmware: power-on self test", StringComparison.Ordinal), "the POST banner");
        await UntilAsync(() => _sim.SerialPort.ConsoleRunning, "the console command once POST completes");
        // The console starts on the board as the last message leaves it; the message still has the socket to cross.
        await UntilAsync(() => Received.Contains("POST complete; no operating system to boot", StringComparison.Ordinal), "the end-of-POST message");

        port.Write("hello serial\r"u8);
        await UntilAsync(() => Received.Contains("got:hello serial", StringComparison.Ordinal), "the console's answer to a typed line");

        port.SendBreak();
        await UntilAsync(() => client.Status().SerialBreaks == 1, "the break at the board");

        // Holding the power line drops main power: the console goes with it.
        await PressPowerAsync(board, TimeSpan.FromMilliseconds(4500));
        await UntilAsync(() => !_sim.SerialPort.ConsoleRunning && _sim.HostState == Sim.Physics.HostPowerState.Off, "the console to stop with main power");
    }

    // What the BMC does to the chipset's power button line.
    private static async Task PressPowerAsync(Board board, TimeSpan hold)
    {
        board.Lines.Set("POWER_OUT", true);
        await Task.Delay(hold);
        board.Lines.Set("POWER_OUT", false);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"still waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
