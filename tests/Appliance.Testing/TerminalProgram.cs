using System.Diagnostics;
using System.Text;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// A console program (ipmitool sol activate, ipmiconsole) run on a pseudo-terminal of its own, as a
/// person runs it at a terminal (util-linux script gives it one): what it prints is collected, and
/// keystrokes go to it through the terminal.
/// </summary>
public sealed class TerminalProgram : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Thread _reader;

    private TerminalProgram(Process process)
    {
        _process = process;
        _reader = new Thread(Read) { IsBackground = true };
        _reader.Start();
    }

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static TerminalProgram Start(string file, IEnumerable<string> args)
    {
        // script -e returns the program's exit status; -f passes its output on at once.
        string command = string.Join(' ', new[] { file }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-qfec", command, "/dev/null" })
        {
            info.ArgumentList.Add(a);
        }

        return new TerminalProgram(Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}"));
    }

    /// <summary>Types keys at the program.</summary>
    public void Type(string keys)
    {
        _process.StandardInput.Write(keys);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until the program has printed <paramref name="text"/> (after what it had printed at <paramref name="from"/>).</summary>
    public async Task WaitForAsync(string text, int from = 0, int seconds = 20)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Output.IndexOf(text, Math.Min(from, Output.Length), StringComparison.Ordinal) < 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"the program never printed \"{text}\"; it printed:\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Waits for the program to end and returns its exit status.</summary>
    public async Task<int> ExitAsync(int seconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the program did not end; it printed:\n{Output}");
        }

        _reader.Join(TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Read()
    {
        char[] buffer = new char[4096];
        try
        {
            int n;
            while ((n = _process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_output)
                {
                    _output.Append(buffer, 0, n);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }
}
