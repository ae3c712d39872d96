using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Appliance.Cluster.Tests;

/// <summary>
/// One host's cluster service: a real appliance-cluster process on a loopback address of its own,
/// with its own state directory (the host's disk). <see cref="PowerCut"/> kills it and its etcd at
/// once, as a hard power-off does; <see cref="StopAsync"/> is an orderly shutdown.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly StringBuilder _log = new();
    private readonly Dictionary<string, string> _settings;
    private Process? _process;

    private ClusterNode(string name, string address, string stateDirectory, Dictionary<string, string> settings)
    {
        Name = name;
        Address = address;
        StateDirectory = stateDirectory;
        _settings = settings;
    }

    public string Name { get; }
    public string Address { get; }
    public string StateDirectory { get; }
    public string ControlSocket => Path.Combine(StateDirectory, "control.sock");
    public string ApiUrl => $"https://{Address}:7443";
    public string EtcdUrl => $"https://{Address}:2379";
    public bool Running => _process is { HasExited: false };

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>The node's etcd member process, while it runs one.</summary>
    public int? EtcdPid
    {
        get
        {
            string file = Path.Combine(StateDirectory, "etcd.pid");
            try
            {
                return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out int pid) && Alive(pid) ? pid : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public static async Task<ClusterNode> StartAsync(string name, string address, string stateDirectory, Dictionary<string, string>? settings = null)
    {
        var node = new ClusterNode(name, address, stateDirectory, settings ?? []);
        await node.StartAsync();
        return node;
    }

    /// <summary>Starts (or restarts, after a power cut) the service on the same disk.</summary>
    public async Task StartAsync()
    {
        var args = new List<string>
        {
            $"--Cluster:StateDirectory={StateDirectory}",
            $"--Cluster:NodeName={Name}",
            $"--Cluster:RackAddress={Address}",
            "--Cluster:SystemInterface=",
            "--Logging:LogLevel:Appliance.Cluster=Debug",
        };
        args.AddRange(_settings.Select(kv => $"--Cluster:{kv.Key}={kv.Value}"));
        var info = new ProcessStartInfo(Repo.Exe("appliance-cluster"), args) { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await Wait.UntilAsync(() => Log.Contains($"Cluster service for node {Name}", StringComparison.Ordinal) || process.HasExited,
            $"{Name}'s cluster service to start", 30);
        Assert.False(process.HasExited, $"{Name}'s cluster service exited:\n{Log}");
    }

    /// <summary>A hard power-off: the service and its etcd die at once (SIGKILL), the disk stays.</summary>
    public void PowerCut()
    {
        int? etcd = EtcdPid;
        if (_process is { HasExited: false } p) p.Kill();
        if (etcd is { } pid) Kill(pid);
        _process?.WaitForExit(10_000);
    }

    /// <summary>An orderly stop (SIGTERM), as the host's shutdown does.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p) return;
        Tmds.Linux.LibC.kill(p.Id, Tmds.Linux.LibC.SIGTERM);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        try
        {
            await p.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        // Nothing the node started may outlive the test: an etcd whose command line names this disk is this node's.
        foreach (int pid in ProcessesNaming(StateDirectory)) Kill(pid);
        _process?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void Kill(int pid)
    {
        Tmds.Linux.LibC.kill(pid, Tmds.Linux.LibC.SIGKILL);
        for (int i = 0; i < 100 && Alive(pid) && !IsZombie(pid); i++) Thread.Sleep(50);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ").Last().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static IEnumerable<int> ProcessesNaming(string text)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out int pid)) continue;
            string cmdline;
            try
            {
                cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (cmdline.Contains(text, StringComparison.Ordinal)) yield return pid;
        }
    }
}
