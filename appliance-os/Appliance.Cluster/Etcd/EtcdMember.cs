using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.State;

namespace Appliance.Cluster.Etcd;

/// <summary>
/// This node's etcd member, a child process the service supervises: started for the seat the
/// cluster gave the node (TLS for clients and peers, client certificates required, data in the
/// state directory), restarted if it dies, stopped with the service. A member that was removed
/// from the cluster exits by itself and is not restarted: <see cref="Removed"/> says so.
/// </summary>
public sealed class EtcdMember(ClusterOptions options, StateFiles files, ILogger<EtcdMember> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private Task? _pump;
    private CancellationTokenSource? _supervision;

    /// <summary>The seat the running member was started for.</summary>
    public EtcdSeat? Seat { get; private set; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>etcd exited because the cluster removed this member.</summary>
    public bool Removed { get; private set; }

    /// <summary>The seat kept on disk from the last run, if this node held one.</summary>
    public EtcdSeat? SavedSeat() =>
        File.Exists(files.EtcdSeatFile) ? JsonSerializer.Deserialize(File.ReadAllText(files.EtcdSeatFile), StateJsonContext.Default.EtcdSeat) : null;

    /// <summary>Starts the member for <paramref name="seat"/> and waits until it listens for clients. A seat for another
    /// member ID than the data on disk starts from empty data (the old member is gone from the cluster).</summary>
    public async Task StartAsync(EtcdSeat seat, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_process is { HasExited: false } && Seat == seat) return;
            await StopProcessAsync();
            KillStale();
            if (SavedSeat() is not { } saved || saved.MemberId != seat.MemberId)
            {
                if (Directory.Exists(files.EtcdData)) Directory.Delete(files.EtcdData, recursive: true);
            }
            StateFiles.Write(files.EtcdSeatFile, JsonSerializer.Serialize(seat, StateJsonContext.Default.EtcdSeat), secret: false);
            Seat = seat;
            Removed = false;
            _supervision = new CancellationTokenSource();
            Launch(seat);
            var supervision = _supervision.Token;
            _ = Task.Run(() => SuperviseAsync(seat, supervision), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
        await WaitListeningAsync(ct);
    }

    /// <summary>The first member learns its ID only once it runs: the seat is recorded with it, the process stays.</summary>
    public void RecordMemberId(EtcdSeat seat)
    {
        StateFiles.Write(files.EtcdSeatFile, JsonSerializer.Serialize(seat, StateJsonContext.Default.EtcdSeat), secret: false);
        Seat = seat;
    }

    /// <summary>Stops the member; with <paramref name="forget"/>, its data and seat go too (the cluster removed it).</summary>
    public async Task StopAsync(bool forget)
    {
        await _gate.WaitAsync();
        try
        {
            await StopProcessAsync();
            Seat = null;
            if (forget)
            {
                File.Delete(files.EtcdSeatFile);
                if (Directory.Exists(files.EtcdData)) Directory.Delete(files.EtcdData, recursive: true);
                logger.LogInformation("etcd member stopped and its data removed: this node no longer holds a seat");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(forget: false);

    private void Launch(EtcdSeat seat)
    {
        var start = new ProcessStartInfo(options.Etcd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--name", options.NodeName,
            "--data-dir", files.EtcdData,
            "--listen-client-urls", options.EtcdClientUrl.ToString().TrimEnd('/'),
            "--advertise-client-urls", options.EtcdClientUrl.ToString().TrimEnd('/'),
            "--listen-peer-urls", options.EtcdPeerUrl.ToString().TrimEnd('/'),
            "--initial-advertise-peer-urls", options.EtcdPeerUrl.ToString().TrimEnd('/'),
            "--initial-cluster", seat.InitialCluster,
            "--initial-cluster-state", seat.ClusterState,
            "--initial-cluster-token", seat.InitialClusterToken,
            "--client-cert-auth", "--trusted-ca-file", files.CaCertificate, "--cert-file", files.NodeCertificate, "--key-file", files.NodeKey,
            "--peer-client-cert-auth", "--peer-trusted-ca-file", files.CaCertificate, "--peer-cert-file", files.NodeCertificate, "--peer-key-file", files.NodeKey,
            // Peers are trusted for their certificate from the cluster CA; a host with more than one address may
            // connect from one its certificate does not name (loopback racks always do).
            "--experimental-peer-skip-client-san-verification",
            "--heartbeat-interval", "100", "--election-timeout", "1000",
            "--auto-compaction-mode", "periodic", "--auto-compaction-retention", "1h",
            "--logger", "zap", "--log-outputs", "stderr",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.Etcd}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run etcd ('{options.Etcd}', setting Cluster:Etcd): {e.Message}; Debian's etcd-server package provides it", e);
        }
        _process = process;
        File.WriteAllText(files.EtcdPid, process.Id.ToString(CultureInfo.InvariantCulture));
        _pump = PumpAsync(process);
        logger.LogInformation("etcd member {Member} started (pid {Pid}) on {Client}, peers {Peer}, cluster {Initial} ({State})",
            seat.MemberId, process.Id, options.EtcdClientUrl, options.EtcdPeerUrl, seat.InitialCluster, seat.ClusterState);
    }

    /// <summary>etcd's output goes to etcd.log; a removal from the cluster is recognised by its message.</summary>
    private async Task PumpAsync(Process process)
    {
        await using var log = new FileStream(files.EtcdLog, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        await using var writer = new StreamWriter(log) { AutoFlush = true };
        async Task Copy(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (writer) writer.WriteLine(line);
                if (line.Contains("the member has been permanently removed from the cluster", StringComparison.Ordinal)) Removed = true;
            }
        }
        await Task.WhenAll(Copy(process.StandardOutput), Copy(process.StandardError));
    }

    private async Task SuperviseAsync(EtcdSeat seat, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var process = _process;
            if (process is null) return;
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_pump is { } pump) await pump;
            if (ct.IsCancellationRequested) return;
            if (Removed)
            {
                logger.LogWarning("etcd member {Member} exited: the cluster removed it", seat.MemberId);
                return;
            }
            logger.LogWarning("etcd member {Member} exited with status {Status}; restarting it (see {Log})", seat.MemberId, process.ExitCode, files.EtcdLog);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                await _gate.WaitAsync(ct);
                try
                {
                    if (ct.IsCancellationRequested || Seat is not { } current) return;
                    Launch(current);
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task StopProcessAsync()
    {
        if (_supervision is { } supervision)
        {
            await supervision.CancelAsync();
            supervision.Dispose();
            _supervision = null;
        }
        if (_process is not { } process) return;
        _process = null;
        if (!process.HasExited)
        {
            Terminate(process.Id);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        if (_pump is { } pump) await pump;
        process.Dispose();
        File.Delete(files.EtcdPid);
        logger.LogInformation("etcd member stopped");
    }

    /// <summary>An etcd left running by a service that was killed (its pid file names it) is stopped before a new one starts.</summary>
    private void KillStale()
    {
        if (!File.Exists(files.EtcdPid)) return;
        if (int.TryParse(File.ReadAllText(files.EtcdPid).Trim(), CultureInfo.InvariantCulture, out int pid)
            && File.Exists($"/proc/{pid}/cmdline")
            && File.ReadAllText($"/proc/{pid}/cmdline").Contains(files.EtcdData, StringComparison.Ordinal))
        {
            logger.LogWarning("stopping etcd (pid {Pid}) left running by an earlier run of this service", pid);
            try
            {
                using var stale = Process.GetProcessById(pid);
                stale.Kill();
                stale.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
        File.Delete(files.EtcdPid);
    }

    private async Task WaitListeningAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process is not { HasExited: false })
                throw new InvalidOperationException($"etcd exited while starting; see {files.EtcdLog}:\n{Tail(files.EtcdLog)}");
            try
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(options.RackAddress, options.EtcdClientPort, ct);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"etcd did not listen on {options.EtcdClientUrl} within 30 s: {e.Message}; see {files.EtcdLog}");
            }
        }
    }

    private static void Terminate(int pid) => Tmds.Linux.LibC.kill(pid, Tmds.Linux.LibC.SIGTERM);

    public static string Tail(string path, int lines = 5)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
