using System.Diagnostics;
using System.Globalization;
using Appliance.Hw.Sim.Inventory;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// A host operating system driven through its own command: <c>SCRIPT boot|shutdown|kill|status HOST-DIR</c>
/// (appliance-os/host/host-os.sh in the simulated rack). The board knows nothing of what the host runs; it
/// leaves the SMBIOS table in the host's firmware folder, starts the OS, asks it to shut down, and kills it.
/// Commands run one at a time, in order; a kill stops a boot or shutdown under way first, as cutting power
/// would. <c>status</c> prints the pid of a process whose namespaces are the host's (exit 0), or exits 3.
/// </summary>
public sealed class HostOsCommand : IHostOperatingSystem, IDisposable
{
    /// <summary>Where the firmware leaves its tables in the host folder, as Linux shows them in /sys/firmware/dmi/tables.</summary>
    public const string FirmwareTables = "firmware/dmi/tables";

    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(60);

    private readonly string _script;
    private readonly TextWriter _log;
    private readonly Lock _lock = new();
    private Task _queue = Task.CompletedTask;
    private Process? _current;
    private int _generation;
    private string _state = "off";
    private string? _networkNamespace;
    private bool _disposed;

    public HostOsCommand(string script, string hostDirectory, TextWriter log)
    {
        _script = Path.GetFullPath(script);
        HostDirectory = Path.GetFullPath(hostDirectory);
        _log = log;
        if (!File.Exists(_script))
        {
            throw new ArgumentException($"host operating system {_script} does not exist");
        }

        Directory.CreateDirectory(HostDirectory);
    }

    public string HostDirectory { get; }

    public string State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The host's network namespace (as /proc/PID/ns/net names it: "net:[4026532...]") while it runs; else null.</summary>
    public string? NetworkNamespace
    {
        get
        {
            lock (_lock)
            {
                return _networkNamespace;
            }
        }
    }

    public void Boot(byte[] smbios) => Enqueue("booting", async generation =>
    {
        WriteFirmwareTables(smbios);
        var watch = Stopwatch.StartNew();
        int exit = await RunAsync("boot", generation).ConfigureAwait(false);
        if (!IsCurrent(generation))
        {
            return;
        }

        if (exit != 0)
        {
            SetState(generation, $"failed (boot exit {exit})");
            return;
        }

        string? ns = await ReadNetworkNamespaceAsync().ConfigureAwait(false);
        Log($"running after {watch.Elapsed.TotalSeconds:0.0} s of boot");
        lock (_lock)
        {
            if (generation == _generation)
            {
                _networkNamespace = ns;
                _state = "running";
            }
        }
    });

    public void Shutdown(Action requestS5)
    {
        // What runs from now on is the shutdown, not work to charge to the host.
        lock (_lock)
        {
            _networkNamespace = null;
        }

        Enqueue("shutting down", generation => ShutdownAsync(generation, requestS5));
    }

    public void Kill()
    {
        Process? current;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _generation++;
            current = _current;
            _networkNamespace = null;
            _state = "off";
        }

        // Whatever boot or shutdown is under way dies with the power, its children too (off the
        // caller's thread: the board calls this with its state locked).
        _ = Task.Run(() => StopTree(current));
        Chain(async () =>
        {
            int exit = await RunCommandAsync("kill", KillTimeout, generation: null).ConfigureAwait(false);
            if (exit != 0)
            {
                Log($"host kill exited {exit}");
            }
        });
    }

    /// <summary>Completes once every command queued so far has finished.</summary>
    public Task WhenIdle()
    {
        lock (_lock)
        {
            return _queue;
        }
    }

    public void Dispose()
    {
        Process? current;
        lock (_lock)
        {
            _disposed = true;
            current = _current;
        }

        StopTree(current);
    }

    private async Task ShutdownAsync(int generation, Action requestS5)
    {
        int exit = await RunAsync("shutdown", generation).ConfigureAwait(false);
        if (!IsCurrent(generation))
        {
            return;
        }

        if (exit != 0)
        {
            Log($"host shutdown exited {exit}; entering S5 anyway");
        }

        SetState(generation, "off");
        requestS5();
    }

    private void Enqueue(string state, Func<int, Task> work)
    {
        int generation;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            generation = _generation;
            _state = state;
        }

        Chain(() => IsCurrent(generation) ? work(generation) : Task.CompletedTask);
    }

    private void Chain(Func<Task> work)
    {
        lock (_lock)
        {
            _queue = _queue.ContinueWith(async _ =>
            {
                try
                {
                    await work().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
                {
                    Log($"host operating system: {e.Message}");
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private bool IsCurrent(int generation)
    {
        lock (_lock)
        {
            return generation == _generation && !_disposed;
        }
    }

    private void SetState(int generation, string state)
    {
        lock (_lock)
        {
            if (generation == _generation)
            {
                _state = state;
            }
        }
    }

    private Task<int> RunAsync(string verb, int generation) =>
        IsCurrent(generation) ? RunCommandAsync(verb, Timeout.InfiniteTimeSpan, generation) : Task.FromResult(-1);

    /// <param name="generation">For a boot or shutdown, the power cycle it belongs to (a kill stops it); null for a kill.</param>
    private async Task<int> RunCommandAsync(string verb, TimeSpan timeout, int? generation)
    {
        var start = new ProcessStartInfo(_script)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(verb);
        start.ArgumentList.Add(HostDirectory);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {_script}");
        process.OutputDataReceived += (_, e) => LogLine(e.Data);
        process.ErrorDataReceived += (_, e) => LogLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        if (generation is not null)
        {
            bool killed;
            lock (_lock)
            {
                _current = process;
                killed = generation != _generation;
            }

            // Power went between deciding to run this and starting it.
            if (killed)
            {
                StopTree(process);
            }
        }

        try
        {
            using var limit = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Log($"host {verb} did not finish within {timeout.TotalSeconds:0} s; stopping it");
                StopTree(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return process.ExitCode;
        }
        finally
        {
            if (generation is not null)
            {
                lock (_lock)
                {
                    if (_current == process)
                    {
                        _current = null;
                    }
                }
            }
        }
    }

    private async Task<string?> ReadNetworkNamespaceAsync()
    {
        var start = new ProcessStartInfo(_script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("status");
        start.ArgumentList.Add(HostDirectory);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {_script}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0 || !int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            Log($"host status after boot: exit {process.ExitCode}, \"{output.Trim()}\" {(await error.ConfigureAwait(false)).Trim()}");
            return null;
        }

        try
        {
            return new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void WriteFirmwareTables(byte[] smbios)
    {
        string folder = Path.Combine(HostDirectory, FirmwareTables);
        Directory.CreateDirectory(folder);
        if (smbios.Length < SmbiosImage.TableOffset)
        {
            File.Delete(Path.Combine(folder, "DMI"));
            File.Delete(Path.Combine(folder, "smbios_entry_point"));
            return;
        }

        int entryLength = smbios[6];
        File.WriteAllBytes(Path.Combine(folder, "smbios_entry_point"), smbios.AsSpan(0, entryLength).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "DMI"), smbios.AsSpan(SmbiosImage.TableOffset).ToArray());
    }

    private static void StopTree(Process? process)
    {
        try
        {
            if (process is { HasExited: false })
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // It ended by itself meanwhile.
        }
    }

    private void LogLine(string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Log(line);
        }
    }

    private void Log(string line)
    {
        lock (_log)
        {
            _log.WriteLine($"host: {line}");
            _log.Flush();
        }
    }
}
