using System.Diagnostics;
using System.Text.RegularExpressions;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim.Remote;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// A simulated board served by an appliance-board-sim process and the real appliance-bmc process
/// on it, as the rack runs them, so the BMC can be killed (-9) and started again while the board
/// and its host carry on. The BMC binds a free port itself (--ipmi 127.0.0.1:0) and the rig reads
/// which from its log, so no other test can take the port between a choice and its use.
/// </summary>
public sealed class ProcessRig : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Rig-admin-pass1";

    private readonly string _root;
    private Process? _board;
    private Process? _bmc;
    private int _bmcStarts;

    private ProcessRig()
    {
        _root = Directory.CreateTempSubdirectory("bmc-ipmi-process-").FullName;
        BoardSocket = Path.Combine(_root, "board.sock");
        File.WriteAllText(Path.Combine(_root, "admin-password"), AdminPassword);
    }

    public string BoardSocket { get; }

    /// <summary>Where the running BMC answers IPMI; a restarted BMC binds a port afresh.</summary>
    public int IpmiPort { get; private set; }

    public string StateDirectory => Path.Combine(_root, "state");

    /// <summary>Options added to the BMC's command line from the next <see cref="StartBmcAsync"/> on.</summary>
    public string[] ExtraBmcArguments { get; set; } = [];

    /// <summary>Writes a file in the rig's folder (a deployment file for the BMC) and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    public static async Task<ProcessRig> StartAsync()
    {
        var rig = new ProcessRig();
        try
        {
            rig._board = Launch(Repo.Executable("appliance-board-sim"), ["serve", "--board", Repo.Hc1, "--socket", rig.BoardSocket], Path.Combine(rig._root, "board.log"));
            await Wait.UntilAsync(() => File.Exists(rig.BoardSocket), "the simulated board's socket");
            await rig.StartBmcAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync(); // no process outlives a failed start
            throw;
        }
    }

    /// <summary>What the board process says its host is doing.</summary>
    public SimControlResponse BoardStatus()
    {
        using var client = new BoardClient(BoardSocket);
        return client.Status();
    }

    /// <summary>Starts appliance-bmc on the board and waits until it answers IPMI.</summary>
    public async Task StartBmcAsync()
    {
        string log = Path.Combine(_root, $"bmc-{++_bmcStarts}.log");
        _bmc = Launch(Repo.Executable("appliance-bmc"),
            ["--board", Repo.Hc1, "--board-socket", BoardSocket, "--state-dir", StateDirectory, "--run-dir", Path.Combine(_root, "run"),
             "--ipmi", "127.0.0.1:0", "--redfish", "off", "--admin-user", AdminUser, "--admin-password-file", Path.Combine(_root, "admin-password"), .. ExtraBmcArguments],
            log);
        Match bound = Match.Empty;
        await Wait.UntilAsync(() =>
        {
            Assert.False(_bmc.HasExited, $"appliance-bmc exited with {(_bmc.HasExited ? _bmc.ExitCode : 0)}:\n{BmcLog()}");
            bound = Regex.Match(BmcLog(), @"IPMI over LAN on udp 127\.0\.0\.1:(\d+)");
            return bound.Success;
        }, "the BMC to say where it serves IPMI", seconds: 60);
        IpmiPort = int.Parse(bound.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var ping = new IpmiClient(new IpmiClientOptions { Host = "127.0.0.1", Port = IpmiPort, UserName = AdminUser, Password = AdminPassword, Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 });
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_bmc.HasExited)
            {
                Assert.Fail($"appliance-bmc exited with {_bmc.ExitCode}:\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
            }

            try
            {
                await ping.PingAsync();
                return;
            }
            catch (IpmiTimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>kill -9: no chance to finish anything.</summary>
    public void KillBmc()
    {
        _bmc!.Kill();
        Assert.True(_bmc.WaitForExit(TimeSpan.FromSeconds(30)), "appliance-bmc did not die on SIGKILL");
        _bmc.Dispose();
        _bmc = null;
    }

    /// <summary>What the current BMC process has logged so far.</summary>
    public string BmcLog()
    {
        string log = Path.Combine(_root, $"bmc-{_bmcStarts}.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    public Task<Tool.Result> IpmitoolAsync(params string[] command) => Tool.IpmitoolAsync(IpmiPort, AdminUser, AdminPassword, 17, command);

    public IpmiClient Client(TimeSpan? timeout = null) => new(new IpmiClientOptions
    {
        Host = "127.0.0.1", Port = IpmiPort, UserName = AdminUser, Password = AdminPassword,
        Timeout = timeout ?? TimeSpan.FromSeconds(1), Retries = timeout is null ? 3 : 0,
    });

    public async ValueTask DisposeAsync()
    {
        foreach (Process? p in new[] { _bmc, _board })
        {
            if (p is not null && !p.HasExited)
            {
                p.Kill();
                p.WaitForExit(TimeSpan.FromSeconds(30)); // SIGKILL: nothing more to wait for if it is stuck in the kernel
            }

            p?.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static Process Launch(string executable, string[] args, string log)
    {
        // exec keeps the process ID, so Kill reaches the program itself; output goes to a file for diagnosis.
        string command = "exec " + string.Join(' ', new[] { executable }.Concat(args).Select(Quote)) + " > " + Quote(log) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {executable}");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
