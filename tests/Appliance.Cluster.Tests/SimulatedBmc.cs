using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Appliance.Cluster.Tests;

/// <summary>
/// A node's BMC as the simulated rack runs it (tools/rack.sh): a simulated hc1 board
/// (appliance-board-sim serve) with the host's system interface, and the real BMC on it
/// (appliance-bmc --board-socket), IPMI over LAN and Redfish on loopback ports of their own (the BMC
/// binds free ones and names them in its log), an administrator "admin" with a known password. Both
/// stop at the end.
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

    /// <summary>The host's system interface (its /dev/ipmi0), served by the board and answered by the BMC.</summary>
    public string SystemInterface => Path.Combine(Directory, "ipmi0.sock");
    public int IpmiPort { get; private set; }
    public int RedfishPort { get; private set; }
    public string Endpoint => $"127.0.0.1:{IpmiPort}";

    /// <summary>The BMC's Redfish service.</summary>
    public string RedfishUrl => $"https://127.0.0.1:{RedfishPort}";

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static async Task<SimulatedBmc> StartAsync()
    {
        var bmc = new SimulatedBmc();
        try
        {
            await bmc.StartProcessesAsync();
            return bmc;
        }
        catch
        {
            await bmc.DisposeAsync();
            throw;
        }
    }

    private async Task StartProcessesAsync()
    {
        File.WriteAllText(AdminPasswordFile, AdminPassword + "\n");
        Start("appliance-board-sim", ["serve", "--board", Repo.Hc1, "--socket", BoardSocket, "--node", "7", "--system-interface", SystemInterface]);
        await Wait.UntilAsync(() => File.Exists(BoardSocket) && File.Exists(SystemInterface), "the simulated board's sockets", 30);
        Start("appliance-bmc",
        [
            "--board", Repo.Hc1, "--board-socket", BoardSocket, "--state-dir", Path.Combine(Directory, "state"), "--run-dir", Path.Combine(Directory, "run"),
            "--hostname", "n7-bmc", "--ipmi", "127.0.0.1:0", "--redfish", "127.0.0.1:0", "--admin-user", AdminUser, "--admin-password-file", AdminPasswordFile,
        ]);
        await Wait.UntilAsync(() => Log.Contains("BMC ready", StringComparison.Ordinal), "the BMC to be ready", 60);
        IpmiPort = int.Parse(Regex.Match(Log, @"IPMI over LAN on udp 127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        RedfishPort = int.Parse(Regex.Match(Log, @"Redfish and web console on https://127\.0\.0\.1:(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>ipmitool over LAN (RMCP+, cipher suite 17) as <paramref name="user"/>.</summary>
    public (int Exit, string Output) Ipmitool(string user, string password, params string[] command) =>
        Tool.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", user, "-P", password, "-C", "17", "-L", user == AdminUser ? "ADMINISTRATOR" : "OPERATOR", .. command]);

    public (int Exit, string Output) AsAdmin(params string[] command) => Ipmitool(AdminUser, AdminPassword, command);

    /// <summary>Sets the join token and the cluster address as an administrator does over LAN (OEM Set Cluster Join).</summary>
    public void SetJoin(string token, string address)
    {
        foreach ((string operation, string value) in new[] { ("0x01", token), ("0x03", address) })
        {
            var (exit, output) = AsAdmin(["raw", "0x30", "0x72", operation, .. value.Select(c => $"0x{(int)c:x2}")]);
            Assert.True(exit == 0, output);
        }
    }

    /// <summary>Managers/bmc Oem.Appliance.Cluster through Redfish: what the host reported to its BMC.</summary>
    public System.Text.Json.JsonElement Cluster()
    {
        var (exit, stdout, stderr) = Tool.RunSplit("curl", ["-sk", "--fail-with-body", "-u", $"{AdminUser}:{AdminPassword}", $"https://127.0.0.1:{RedfishPort}/redfish/v1/Managers/bmc"]);
        Assert.True(exit == 0, stdout + stderr);
        using var manager = System.Text.Json.JsonDocument.Parse(stdout);
        return manager.RootElement.GetProperty("Oem").GetProperty("Appliance").GetProperty("Cluster").Clone();
    }

    /// <summary>The membership the host last reported, as Redfish shows it.</summary>
    public string Membership => Cluster().GetProperty("Membership").GetString()!;

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
}
