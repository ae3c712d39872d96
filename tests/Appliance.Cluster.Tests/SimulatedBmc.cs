using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A node's BMC as the simulated rack runs it (tools/rack.sh): a simulated hc1 board
/// (appliance-board-sim serve) and the real BMC on it (appliance-bmc --board-socket), IPMI over LAN
/// on a loopback port of its own (the BMC binds a free one and names it in its log), an administrator
/// "admin" with a known password. Both stop at the end.
/// </summary>
internal sealed class SimulatedBmc : IAsyncDisposable
{
    public const string AdminUser = "admin";
    private readonly StringBuilder _log = new();
    private readonly List<Process> _processes = [];

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("cluster-bmc-").FullName;
    public string AdminPassword { get; } = "Adm1n-" + Guid.NewGuid().ToString("N")[..10];
    public string AdminPasswordFile => Path.Combine(Directory, "admin-password");
    public string BoardSocket => Path.Combine(Directory, "board.sock");
    public int IpmiPort { get; private set; }
    public string Endpoint => $"127.0.0.1:{IpmiPort}";

    /// <summary>The BMC's Redfish service (https://127.0.0.1:PORT), when started with Redfish.</summary>
    public string? RedfishUrl { get; private set; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<SimulatedBmc> StartAsync(bool redfish = false)
    {
        var bmc = new SimulatedBmc();
        try
        {
            await bmc.StartProcessesAsync(redfish);
            return bmc;
        }
        catch
        {
            await bmc.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync(bool redfish)
    {
        File.WriteAllText(AdminPasswordFile, AdminPassword + "\n");
        Start("appliance-board-sim", ["serve", "--board", Repo.Hc1, "--socket", BoardSocket, "--node", "7"]);
        await Wait.UntilAsync(() => File.Exists(BoardSocket), "the simulated board's socket", 30);
        int? redfishPort = redfish ? FreeTcpPort() : null;
        RedfishUrl = redfishPort is { } p ? $"https://127.0.0.1:{p}" : null;
        Start("appliance-bmc",
        [
            "--board", Repo.Hc1, "--board-socket", BoardSocket, "--state-dir", Path.Combine(Directory, "state"), "--run-dir", Path.Combine(Directory, "run"),
            "--hostname", "n7-bmc", "--ipmi", "127.0.0.1:0", "--redfish", redfishPort is { } port ? $"127.0.0.1:{port}" : "off",
            "--admin-user", AdminUser, "--admin-password-file", AdminPasswordFile,
        ]);
        await Wait.UntilAsync(() => Log.Contains("BMC ready", StringComparison.Ordinal), "the BMC to be ready", 60);
        IpmiPort = int.Parse(Regex.Match(Log, @"IPMI over LAN on udp 127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>ipmitool over LAN (RMCP+, cipher suite 17) as <paramref name="user"/>.</summary>
    public (int Exit, string Output) Ipmitool(string user, string password, params string[] command) =>
        Tool.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", user, "-P", password, "-C", "17", "-L", user == AdminUser ? "ADMINISTRATOR" : "OPERATOR", .. command]);

    public (int Exit, string Output) AsAdmin(params string[] command) => Ipmitool(AdminUser, AdminPassword, command);

    public async ValueTask DisposeAsync()
    {
        // The BMC first (it releases its lines), then the board.
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM);
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(limit.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            process.Dispose();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private void Start(string exe, string[] args)
    {
        var process = Process.Start(new ProcessStartInfo(Repo.Exe(exe), args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
