using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace Appliance.Testing;

/// <summary>
/// A node's BMC as the simulated rack runs it (tools/rack.sh): a simulated hc1 board served by an
/// appliance-board-sim process and the real appliance-bmc process on it (--board-socket), IPMI over
/// LAN on a loopback port, Redfish off unless asked for, an administrator "admin" with the password
/// given, and, when asked for, the host's system interface served by the board. The BMC binds free
/// ports itself (--ipmi 127.0.0.1:0, --redfish 127.0.0.1:0) and names them in its log, so no other test
/// can take a port between a choice and its use. The BMC can be killed (-9) and started again while the
/// board and its host carry on, and the board too (AC power lost). At the end both stop, the BMC first
/// (it releases its lines), and the folder goes.
/// </summary>
public sealed class BmcProcesses : IAsyncDisposable
{
    public const string AdminUser = "admin";

    private readonly string _root;
    private Process? _board;
    private Process? _bmc;
    private int _bmcStarts;
    private int _boardStarts;
    private int _ipmiBind;
    private bool _systemInterface;
    private bool _redfish;
    private string[] _boardArguments = [];

    private BmcProcesses(string folderPrefix, string adminPassword)
    {
        _root = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        AdminPassword = adminPassword;
        File.WriteAllText(AdminPasswordFile, adminPassword + "\n");
    }

    public string AdminPassword { get; }

    public string AdminPasswordFile => Path.Combine(_root, "admin-password");

    public string BoardSocket => Path.Combine(_root, "board.sock");

    /// <summary>The host's system interface (its /dev/ipmi0), served by the board when asked for at start.</summary>
    public string SystemInterface => Path.Combine(_root, "ipmi0.sock");

    public string StateDirectory => Path.Combine(_root, "state");

    /// <summary>Where the running BMC answers IPMI; a restarted BMC binds a port afresh.</summary>
    public int IpmiPort { get; private set; }

    /// <summary>Redfish on https://127.0.0.1:RedfishPort when asked for at start; a restarted BMC binds a port afresh.</summary>
    public int? RedfishPort { get; private set; }

    /// <summary>Options added to the BMC's command line from the next <see cref="StartBmcAsync"/> on.</summary>
    public string[] ExtraBmcArguments { get; set; } = [];

    /// <param name="folderPrefix">The start of the name of the folder the board, the BMC's state and the logs live in.</param>
    /// <param name="boardArguments">More options for appliance-board-sim serve (--host-console, --node ...).</param>
    /// <param name="bmcArguments">More options for appliance-bmc (<see cref="ExtraBmcArguments"/>).</param>
    /// <param name="ipmiPort">The port the BMC serves IPMI on; 0 lets it take a free one.</param>
    /// <param name="systemInterface">The board serves the host's system interface (serve --system-interface).</param>
    /// <param name="redfish">The BMC serves Redfish on a loopback port of its own too.</param>
    public static async Task<BmcProcesses> StartAsync(string folderPrefix, string adminPassword, string[]? boardArguments = null,
        string[]? bmcArguments = null, int ipmiPort = 0, bool systemInterface = false, bool redfish = false)
    {
        var bmc = new BmcProcesses(folderPrefix, adminPassword)
        {
            _ipmiBind = ipmiPort, ExtraBmcArguments = bmcArguments ?? [], _boardArguments = boardArguments ?? [],
            _systemInterface = systemInterface, _redfish = redfish,
        };
        try
        {
            await bmc.StartBoardAsync();
            await bmc.StartBmcAsync();
            return bmc;
        }
        catch
        {
            await bmc.DisposeAsync(); // no process outlives a failed start
            throw;
        }
    }

    /// <summary>Writes a file in the folder (a deployment file for the BMC) and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Starts the board process (again: a board that comes back while the BMC runs on).</summary>
    public async Task StartBoardAsync()
    {
        File.Delete(BoardSocket);
        File.Delete(SystemInterface);
        string[] args = ["serve", "--board", Repo.Hc1, "--socket", BoardSocket, .. _systemInterface ? ["--system-interface", SystemInterface] : Array.Empty<string>(), .. _boardArguments];
        _board = Launch(Repo.BoardSim, args, Path.Combine(_root, $"board-{++_boardStarts}.log"));
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
        Tool.RunAsync(Repo.BoardSim, ["ctl", "--socket", BoardSocket, .. command]);

    /// <summary>
    /// Starts appliance-bmc on the board and waits until it says where it serves IPMI (and Redfish), that it
    /// is ready, and, with a system interface, that it answers the host (it attaches after its doors are up).
    /// </summary>
    public async Task StartBmcAsync()
    {
        string log = Path.Combine(_root, $"bmc-{++_bmcStarts}.log");
        _bmc = Launch(Repo.Bmc,
            ["--board", Repo.Hc1, "--board-socket", BoardSocket, "--state-dir", StateDirectory, "--run-dir", Path.Combine(_root, "run"),
             "--ipmi", $"127.0.0.1:{_ipmiBind}", "--redfish", _redfish ? "127.0.0.1:0" : "off", "--admin-user", AdminUser, "--admin-password-file", AdminPasswordFile, .. ExtraBmcArguments],
            log);
        Match ipmi = Match.Empty;
        Match redfish = Match.Empty;
        await Wait.UntilAsync(() =>
        {
            Assert.False(_bmc.HasExited, $"appliance-bmc exited with {(_bmc.HasExited ? _bmc.ExitCode : 0)}:\n{BmcLog()}");
            string said = BmcLog();
            ipmi = Regex.Match(said, @"IPMI over LAN on udp 127\.0\.0\.1:(\d+)");
            redfish = Regex.Match(said, @"Redfish and web console on https://127\.0\.0\.1:(\d+)");
            return ipmi.Success && (!_redfish || redfish.Success) && said.Contains("BMC ready", StringComparison.Ordinal)
                && (!_systemInterface || said.Contains("System interface: answering the host's requests", StringComparison.Ordinal));
        }, "the BMC to say where it serves IPMI" + (_redfish ? " and Redfish" : "") + ", that it is ready" + (_systemInterface ? " and that it answers the host" : ""), seconds: 60);
        IpmiPort = int.Parse(ipmi.Groups[1].Value, CultureInfo.InvariantCulture);
        RedfishPort = _redfish ? int.Parse(redfish.Groups[1].Value, CultureInfo.InvariantCulture) : null;
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

    /// <summary>ipmitool over LAN (RMCP+, cipher suite 17) as the administrator.</summary>
    public Task<Tool.Result> IpmitoolAsync(params string[] command) => Tool.IpmitoolAsync(IpmiPort, AdminUser, AdminPassword, 17, command);

    public ValueTask DisposeAsync()
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
        return ValueTask.CompletedTask;
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
