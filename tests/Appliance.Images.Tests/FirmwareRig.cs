using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Images.Tests;

/// <summary>
/// The amd64 BMC firmware on its QEMU board: a fresh copy of the built flash image, the i6300esb
/// watchdog, the simulated board (appliance-board-sim) on this machine reached by the guest at
/// 10.0.2.100:7000 through QEMU's guestfwd and socat, IPMI (UDP) and Redfish (HTTPS) forwarded to
/// loopback ports. Clients are the real ones: ipmitool -I lanplus and curl.
/// </summary>
public sealed class FirmwareRig : IDisposable
{
    private readonly Process _board;
    private readonly StringBuilder _boardLog = new();

    public FirmwareRig()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("images-firmware-").FullName;
        Flash = Path.Combine(Directory, "flash.img");
        File.Copy(Path.Combine(ImageBuild.FirmwareAmd64, "flash.img"), Flash);
        Password = File.ReadAllText(Path.Combine(ImageBuild.FirmwareAmd64, "admin-password")).Trim();
        BoardSocket = Path.Combine(Directory, "board.sock");
        var start = new ProcessStartInfo(Repo.BoardSim) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "serve", "--board", Repo.Hc1, "--socket", BoardSocket })
        {
            start.ArgumentList.Add(arg);
        }

        _board = Process.Start(start)!;
        _board.OutputDataReceived += (_, e) => { lock (_boardLog) { _boardLog.AppendLine(e.Data); } };
        _board.ErrorDataReceived += (_, e) => { lock (_boardLog) { _boardLog.AppendLine(e.Data); } };
        _board.BeginOutputReadLine();
        _board.BeginErrorReadLine();
        IpmiPort = QemuMachine.FreePort(ProtocolType.Udp);
        RedfishPort = QemuMachine.FreePort();
    }

    public string Directory { get; }
    public string Flash { get; }
    public string BoardSocket { get; }
    public string Password { get; }
    public int IpmiPort { get; }
    public int RedfishPort { get; }
    public QemuMachine? Machine { get; private set; }
    public string Url => $"https://127.0.0.1:{RedfishPort}";

    public string Diagnostics
    {
        get
        {
            lock (_boardLog)
            {
                return (Machine?.Diagnostics ?? "") + "\nboard:\n" + _boardLog;
            }
        }
    }

    /// <summary>Powers the BMC on (AC to the BMC's QEMU machine) and waits until Redfish answers.</summary>
    public async Task BootAsync()
    {
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(BoardSocket))
        {
            Assert.True(DateTime.UtcNow < end, "appliance-board-sim did not open its socket:\n" + Diagnostics);
            await Task.Delay(100);
        }

        Machine = QemuMachine.Start(Directory, Flash, "raw", 384,
            [("udp", IpmiPort, 623), ("tcp", RedfishPort, 443)],
            guestForward: $"tcp:10.0.2.100:7000-cmd:socat - UNIX-CONNECT:{BoardSocket}", watchdog: true);
        await WaitForRedfishAsync(TimeSpan.FromMinutes(8));
    }

    /// <summary>Waits until the BMC's Redfish service answers with its Manager (after a boot or reset).</summary>
    public Task<JsonObject> WaitForRedfishAsync(TimeSpan limit) =>
        Tool.WaitForAsync("the BMC's Redfish service", limit, async () =>
        {
            Assert.False(Machine!.HasExited, "QEMU exited:\n" + Diagnostics);
            // QEMU accepts the forwarded connection before the guest listens: a probe that hangs gives up and tries again.
            (int status, JsonObject? body) = await RedfishAsync("GET", "/redfish/v1/Managers/bmc", limit: TimeSpan.FromSeconds(20));
            return status == 200 ? body : null;
        }, () => Diagnostics);

    /// <summary>curl against the BMC's Redfish service as the factory administrator; curl gives up after <paramref name="limit"/> (a minute).</summary>
    public async Task<(int Status, JsonObject? Body)> RedfishAsync(string method, string path, string? json = null, IEnumerable<string>? extra = null, TimeSpan? limit = null)
    {
        TimeSpan curlLimit = limit ?? TimeSpan.FromSeconds(60);
        string seconds = ((int)curlLimit.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var args = new List<string> { "-sk", "-m", seconds, "-u", $"admin:{Password}", "-X", method, "-w", "\n%{http_code}", Url + path };
        if (json is not null)
        {
            args.AddRange(["-H", "Content-Type: application/json", "-d", json]);
        }

        args.AddRange(extra ?? []);
        Tool.Result result = await Tool.RunAsync("curl", args, curlLimit + TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0)
        {
            throw new HttpRequestException($"curl {method} {path}: exit {result.ExitCode} {result.Stderr}");
        }

        int newline = result.Stdout.LastIndexOf('\n');
        int status = int.Parse(result.Stdout[(newline + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        string body = result.Stdout[..Math.Max(0, newline)];
        return (status, body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null);
    }

    /// <summary>ipmitool -I lanplus as the factory administrator.</summary>
    public Task<Tool.Result> IpmiAsync(params string[] command) =>
        Tool.RunAsync("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", IpmiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "admin", "-P", Password, "-N", "5", "-R", "3", .. command], TimeSpan.FromSeconds(120));

    /// <summary>The simulated board's own view (appliance-board-sim ctl status).</summary>
    public async Task<string> BoardStatusAsync() =>
        (await Tool.RunAsync(Repo.BoardSim, ["ctl", "--socket", BoardSocket, "status"], TimeSpan.FromSeconds(30))).Stdout;

    /// <summary>The firmware inventory's entries by Id: version and state.</summary>
    public async Task<Dictionary<string, (string Version, string State)>> FirmwareInventoryAsync()
    {
        (int status, JsonObject? body) = await RedfishAsync("GET", "/redfish/v1/UpdateService/FirmwareInventory?$expand=.");
        Assert.Equal(200, status);
        return body!["Members"]!.AsArray().Select(m => m!.AsObject()).ToDictionary(
            m => m["Id"]!.GetValue<string>(),
            m => (m["Version"]!.GetValue<string>(), m["Status"]!["State"]!.GetValue<string>()));
    }

    public void Dispose()
    {
        Machine?.Dispose();
        if (!_board.HasExited)
        {
            _board.Kill();
            _board.WaitForExit(10_000);
        }

        _board.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
