using System.Diagnostics;
using System.Text.RegularExpressions;
using Appliance.Hw.Remote;
using Appliance.Hw.Sim.Remote;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// A simulated board served by an appliance-board-sim process and the real appliance-bmc process
/// on it, as the rack runs them, so the BMC can be killed (-9) and started again while the board
/// and its host carry on. The BMC binds free ports itself (--ipmi 127.0.0.1:0, --redfish 127.0.0.1:0) and
/// the rig reads which from its log, so no other test can take a port between a choice and its use.
/// </summary>
public sealed class ProcessRig : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "Rig-admin-pass1";

    private readonly string _root;
    private Process? _board;
    private Process? _bmc;
    private int _bmcStarts;
    private int _boardStarts;
    private readonly int _ipmiBind;
    private readonly bool _systemInterface;
    private readonly bool _redfish;
    private readonly string[] _boardArguments;

    private ProcessRig(string[] boardArguments, int ipmiPort, bool systemInterface, bool redfish)
    {
        _root = Directory.CreateTempSubdirectory("bmc-ipmi-process-").FullName;
        BoardSocket = Path.Combine(_root, "board.sock");
        SystemInterface = Path.Combine(_root, "ipmi0.sock");
        File.WriteAllText(Path.Combine(_root, "admin-password"), AdminPassword);
        _boardArguments = boardArguments;
        _ipmiBind = ipmiPort;
        _systemInterface = systemInterface;
        _redfish = redfish;
    }

    public string BoardSocket { get; }

    /// <summary>The host's system interface (its /dev/ipmi0), served by the board when the rig was started with one.</summary>
    public string SystemInterface { get; }

    /// <summary>Where the running BMC answers IPMI; a restarted BMC binds a port afresh.</summary>
    public int IpmiPort { get; private set; }

    /// <summary>Redfish on https://127.0.0.1:RedfishPort, when the rig was started with it; a restarted BMC binds a port afresh.</summary>
    public int? RedfishPort { get; private set; }

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

    /// <param name="boardArguments">More options for appliance-board-sim serve (--host-console ...).</param>
    /// <param name="ipmiPort">The port the BMC serves IPMI on; 0 lets it take a free one.</param>
    /// <param name="systemInterface">The board serves the host's system interface (serve --system-interface).</param>
    /// <param name="redfish">The BMC serves Redfish on a loopback port of its own too.</param>
    /// <param name="bmcArguments">More options for appliance-bmc (<see cref="ExtraBmcArguments"/>).</param>
    public static async Task<ProcessRig> StartAsync(string[]? boardArguments = null, int ipmiPort = 0, bool systemInterface = false, bool redfish = false,
        string[]? bmcArguments = null)
    {
        var rig = new ProcessRig(boardArguments ?? [], ipmiPort, systemInterface, redfish) { ExtraBmcArguments = bmcArguments ?? [] };
        try
        {
            await rig.StartBoardAsync();
            await rig.StartBmcAsync();
            return rig;
        }
        catch
        {
            await rig.DisposeAsync(); // no process outlives a failed start
            throw;
        }
    }

    /// <summary>Starts the board process (again: a board that comes back while the BMC runs on).</summary>
    public async Task StartBoardAsync()
    {
        File.Delete(BoardSocket);
        File.Delete(SystemInterface);
        string[] args = ["serve", "--board", Repo.Hc1, "--socket", BoardSocket, .. _systemInterface ? ["--system-interface", SystemInterface] : Array.Empty<string>(), .. _boardArguments];
        _board = Launch(Repo.Executable("appliance-board-sim"), args, Path.Combine(_root, $"board-{++_boardStarts}.log"));
        await Wait.UntilAsync(() => File.Exists(BoardSocket) && (!_systemInterface || File.Exists(SystemInterface)), "the simulated board's sockets", 30);
    }

    /// <summary>kill -9 of the board process: AC power lost, for the board.</summary>
    public void KillBoard()
    {
        _board!.Kill();
        Assert.True(_board.WaitForExit(TimeSpan.FromSeconds(30)), "appliance-board-sim did not die on SIGKILL");
        _board.Dispose();
        _board = null;
    }

    /// <summary>Runs appliance-board-sim ctl on the board, as a person at the rack would.</summary>
    public Task<Tool.Result> BoardCtlAsync(params string[] command) =>
        Tool.RunAsync(Repo.Executable("appliance-board-sim"), ["ctl", "--socket", BoardSocket, .. command]);

    /// <summary>What the board process says its host is doing.</summary>
    public SimControlResponse BoardStatus()
    {
        using var client = new BoardClient(BoardSocket);
        return client.Status();
    }

    /// <summary>
    /// Starts appliance-bmc on the board and waits until it answers IPMI, and, when the rig has them, the
    /// host's system interface (the BMC attaches to the board's after its doors are up) and Redfish.
    /// </summary>
    public async Task StartBmcAsync()
    {
        string log = Path.Combine(_root, $"bmc-{++_bmcStarts}.log");
        _bmc = Launch(Repo.Executable("appliance-bmc"),
            ["--board", Repo.Hc1, "--board-socket", BoardSocket, "--state-dir", StateDirectory, "--run-dir", Path.Combine(_root, "run"),
             "--ipmi", $"127.0.0.1:{_ipmiBind}", "--redfish", _redfish ? "127.0.0.1:0" : "off", "--admin-user", AdminUser, "--admin-password-file", Path.Combine(_root, "admin-password"), .. ExtraBmcArguments],
            log);
        Match ipmi = Match.Empty;
        Match redfish = Match.Empty;
        await Wait.UntilAsync(() =>
        {
            Assert.False(_bmc.HasExited, $"appliance-bmc exited with {(_bmc.HasExited ? _bmc.ExitCode : 0)}:\n{BmcLog()}");
            string said = BmcLog();
            ipmi = Regex.Match(said, @"IPMI over LAN on udp 127\.0\.0\.1:(\d+)");
            redfish = Regex.Match(said, @"Redfish and web console on https://127\.0\.0\.1:(\d+)");
            return ipmi.Success && (!_redfish || redfish.Success)
                && (!_systemInterface || said.Contains("System interface: answering the host's requests", StringComparison.Ordinal));
        }, "the BMC to say where it serves IPMI" + (_redfish ? " and Redfish" : "") + (_systemInterface ? " and that it answers the host" : ""), seconds: 60);
        IpmiPort = int.Parse(ipmi.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        RedfishPort = _redfish ? int.Parse(redfish.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
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
