using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Appliance.Hw.Boards;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// The host's serial port (its ttyS0) and the board's wiring of it to the BMC. Until an operating
/// system runs, the firmware writes to it (power-on self test, boot); once POST has completed and a
/// console command is configured, that command runs on a pseudo-terminal as the host's console (a
/// shell login in the host's namespaces in the simulated rack), restarted when it exits, as init
/// restarts a getty. Main power going stops it. What the host writes goes to the attached BMC, one at a
/// time (a newer attachment replaces the older); what the BMC sends goes to the console process, and
/// is lost, as on a UART nobody reads, while none runs. The board calls the host-side methods with
/// its state locked, so they only start work.
/// </summary>
public sealed class HostSerialPort : IDisposable
{
    private static readonly TimeSpan RespawnDelay = TimeSpan.FromSeconds(1);

    private readonly BoardDescription _board;
    private readonly string? _consoleCommand;
    private readonly TextWriter _log;
    private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Task _pump;
    private Action<ReadOnlyMemory<byte>>? _bmc;
    private PseudoTerminal? _terminal;
    private Process? _console;
    private int _generation;
    private int _breaks;
    private bool _disposed;

    /// <param name="consoleCommand">A shell command run as the host's console once POST completes; null leaves the firmware's output only.</param>
    public HostSerialPort(BoardDescription board, string? consoleCommand = null, TextWriter? log = null)
    {
        _board = board;
        _consoleCommand = consoleCommand;
        _log = log ?? TextWriter.Null;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Serial breaks the BMC has sent the host.</summary>
    public int BreakCount => Volatile.Read(ref _breaks);

    /// <summary>Whether the console command runs on the port now.</summary>
    public bool ConsoleRunning
    {
        get
        {
            lock (_lock)
            {
                return _console is { HasExited: false };
            }
        }
    }

    /// <summary>Connects the BMC's end; what the host writes from now on goes to <paramref name="received"/> until the returned handle is disposed or a newer BMC attaches.</summary>
    public IDisposable Attach(Action<ReadOnlyMemory<byte>> received)
    {
        lock (_lock)
        {
            _bmc = received;
        }

        return new Attachment(this, received);
    }

    /// <summary>Characters from the BMC, for the host.</summary>
    public void FromBmc(ReadOnlySpan<byte> data)
    {
        PseudoTerminal? terminal;
        lock (_lock)
        {
            terminal = _terminal;
        }

        if (terminal is null)
        {
            return;
        }

        try
        {
            terminal.Master.Write(data);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The console process is going away; a UART drops what nobody takes.
        }
    }

    /// <summary>A break from the BMC. A pseudo-terminal cannot carry one, so the board counts it (ctl status shows it).</summary>
    public void Break() => Interlocked.Increment(ref _breaks);

    // ---- the host's side, from the board's power sequencing ----

    internal void PowerOnSelfTest()
    {
        int dimms = _board.Memory?.Slots.Count ?? 0;
        int sockets = _board.Processors?.Sockets.Count ?? 0;
        Firmware($"\r\n{_board.Model} firmware: power-on self test\r\n"
            + $"processors: {sockets} socket(s); memory: {dimms} DIMM slot(s)\r\n");
    }

    internal void PostCompleted(bool operatingSystem)
    {
        Firmware(operatingSystem
            ? "POST complete; booting the operating system\r\n"
            : "POST complete; no operating system to boot\r\n");
        OperatingSystemRunning();
    }

    /// <summary>The host runs its operating system (POST done, or a board restarted under a running host): its console starts.</summary>
    internal void OperatingSystemRunning()
    {
        if (_consoleCommand is not null)
        {
            StartConsole(Volatile.Read(ref _generation));
        }
    }

    internal void Reset()
    {
        StopConsole();
        Firmware("\r\nreset\r\n");
    }

    internal void PowerLost() => StopConsole();

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        StopConsole();
        _output.Writer.TryComplete();
    }

    private void Firmware(string text) => _output.Writer.TryWrite(Encoding.ASCII.GetBytes(text));

    private void StartConsole(int generation)
    {
        lock (_lock)
        {
            if (_disposed || generation != _generation || _console is not null)
            {
                return;
            }

            PseudoTerminal terminal = PseudoTerminal.Open();
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");

            // setsid -c makes the terminal the console's controlling terminal, as a getty does.
            start.ArgumentList.Add("exec setsid -w -c /bin/sh -c \"$HOST_CONSOLE\" <\"$HOST_TTY\" >\"$HOST_TTY\" 2>&1");
            start.Environment["HOST_CONSOLE"] = _consoleCommand;
            start.Environment["HOST_TTY"] = terminal.SlavePath;
            start.Environment["TERM"] = "vt220";
            Process console;
            try
            {
                console = Process.Start(start) ?? throw new IOException("the console command did not start");
            }
            catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
            {
                terminal.Dispose();
                _log.WriteLine($"host console: {e.Message}");
                return;
            }

            _terminal = terminal;
            _console = console;
            var reader = new Thread(() => ReadConsole(terminal, console, generation)) { IsBackground = true, Name = "host console" };
            reader.Start();
        }
    }

    // The master reads until the last holder of the slave closes it (EIO): the console process ended.
    private void ReadConsole(PseudoTerminal terminal, Process console, int generation)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = terminal.Master.Read(buffer);
                if (n <= 0)
                {
                    break;
                }

                _output.Writer.TryWrite(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }

        console.WaitForExit(TimeSpan.FromSeconds(5));
        bool again;
        lock (_lock)
        {
            again = _console == console && !_disposed && generation == _generation;
            if (_console == console)
            {
                _console = null;
                _terminal = null;
            }
        }

        terminal.Dispose();
        console.Dispose();
        if (again)
        {
            // Like init respawning a getty, with a pause so a command that fails at once does not spin.
            _ = Task.Delay(RespawnDelay).ContinueWith(_ => StartConsole(generation), TaskScheduler.Default);
        }
    }

    private void StopConsole()
    {
        Process? console;
        lock (_lock)
        {
            _generation++;
            console = _console;
        }

        if (console is null)
        {
            return;
        }

        try
        {
            console.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private async Task PumpAsync()
    {
        await foreach (byte[] chunk in _output.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Action<ReadOnlyMemory<byte>>? bmc;
            lock (_lock)
            {
                bmc = _bmc;
            }

            try
            {
                bmc?.Invoke(chunk);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The BMC's connection went away; it gets what follows when it attaches again.
            }
        }
    }

    private sealed class Attachment(HostSerialPort port, Action<ReadOnlyMemory<byte>> received) : IDisposable
    {
        public void Dispose()
        {
            lock (port._lock)
            {
                if (port._bmc == received)
                {
                    port._bmc = null;
                }
            }
        }
    }
}
