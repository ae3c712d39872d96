using System.Diagnostics;
using System.Text;

namespace Appliance.Bmc.Tests;

/// <summary>An hc1 board served by appliance-board-sim on a socket of its own, as on the rack; killed on dispose.</summary>
internal sealed class BoardSimProcess : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bmc-board-").FullName;
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    public BoardSimProcess()
    {
        Socket = Path.Combine(_folder, "board.sock");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"), ["serve", "--board", Repo.Hc1, "--socket", Socket])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Socket))
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Dispose();
                throw new InvalidOperationException("appliance-board-sim did not open its socket: " + Output);
            }

            Thread.Sleep(20);
        }
    }

    public string Socket { get; }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
        }

        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
