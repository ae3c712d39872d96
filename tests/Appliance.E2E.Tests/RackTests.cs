using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Appliance.E2E.Tests;

/// <summary>
/// The simulated rack as `./build.sh run` starts it: every node reachable on its documented ports
/// with the credentials in nodes.json, through the real clients.
/// </summary>
public sealed class RackTests : IDisposable
{
    private const int Nodes = 2;
    private readonly string _rackDir = Directory.CreateTempSubdirectory("rack-").FullName;
    private readonly Process _rack;
    private readonly System.Text.StringBuilder _output = new();

    public RackTests()
    {
        var info = new ProcessStartInfo(Path.Combine(Repo.Root, "tools", "rack.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["RACK_NODES"] = Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RACK_DIR"] = _rackDir,
                ["BMC_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance-bmc"),
                ["BOARD_SIM_BIN"] = Path.Combine(AppContext.BaseDirectory, "appliance-board-sim"),
            },
        };
        _rack = Process.Start(info)!;
        var ready = new ManualResetEventSlim();
        _rack.OutputDataReceived += (_, e) => Collect(e.Data, ready);
        _rack.ErrorDataReceived += (_, e) => Collect(e.Data, ready);
        _rack.BeginOutputReadLine();
        _rack.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(90)))
        {
            throw new InvalidOperationException("the rack did not come up:\n" + Output);
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Dispose()
    {
        Command.Run("kill", ["-TERM", _rack.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (!_rack.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            _rack.Kill(entireProcessTree: true);
        }

        _rack.Dispose();
        Directory.Delete(_rackDir, recursive: true);
    }

    [Fact]
    public void Every_node_answers_ipmi_and_redfish_on_its_ports_with_the_recorded_credentials()
    {
        using JsonDocument nodes = JsonDocument.Parse(File.ReadAllText(Path.Combine(_rackDir, "nodes.json")));
        Assert.Equal(Nodes, nodes.RootElement.GetArrayLength());

        var serials = new HashSet<string>();
        foreach (JsonElement node in nodes.RootElement.EnumerateArray())
        {
            int k = node.GetProperty("node").GetInt32();
            int ipmiPort = node.GetProperty("ipmiPort").GetInt32();
            string user = node.GetProperty("user").GetString()!;
            string password = node.GetProperty("password").GetString()!;
            Assert.Equal(6230 + k, ipmiPort);
            Assert.Equal($"https://127.0.0.1:{8440 + k}", node.GetProperty("redfishUrl").GetString());

            (int exit, string status) = Ipmitool(ipmiPort, user, password, "chassis", "status");
            Assert.True(exit == 0, status);
            Assert.Contains("System Power         : off", status);

            (exit, string fru) = Ipmitool(ipmiPort, user, password, "fru", "print", "0");
            Assert.True(exit == 0, fru);
            string serial = fru.Split('\n').First(l => l.Contains("Product Serial")).Split(':')[1].Trim();
            serials.Add(serial);

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var http = new HttpClient(handler);
            var request = new HttpRequestMessage(HttpMethod.Get, node.GetProperty("redfishUrl").GetString() + "/redfish/v1/Systems/system");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
            using HttpResponseMessage response = http.Send(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument system = JsonDocument.Parse(response.Content.ReadAsStream());
            Assert.Equal("Off", system.RootElement.GetProperty("PowerState").GetString());
        }

        Assert.Equal(Nodes, serials.Count);
    }

    [Fact]
    public void Powering_one_node_on_leaves_the_others_off()
    {
        using JsonDocument nodes = JsonDocument.Parse(File.ReadAllText(Path.Combine(_rackDir, "nodes.json")));
        JsonElement first = nodes.RootElement[0];
        JsonElement second = nodes.RootElement[1];

        (int exit, string output) = Ipmitool(first.GetProperty("ipmiPort").GetInt32(), "admin", first.GetProperty("password").GetString()!, "chassis", "power", "on");
        Assert.True(exit == 0, output);

        string board = Path.Combine(AppContext.BaseDirectory, "appliance-board-sim");
        string HostState(JsonElement node)
        {
            (int code, string json) = Command.Run(board, ["ctl", "--socket", node.GetProperty("boardSocket").GetString()!, "status"]);
            Assert.True(code == 0, json);
            using JsonDocument status = JsonDocument.Parse(json);
            return status.RootElement.GetProperty("hostState").GetString()!;
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (HostState(first) != "Running" && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }

        Assert.Equal("Running", HostState(first));
        Assert.Equal("Off", HostState(second));
        (_, string status) = Ipmitool(second.GetProperty("ipmiPort").GetInt32(), "admin", second.GetProperty("password").GetString()!, "chassis", "power", "status");
        Assert.Contains("Chassis Power is off", status);
    }

    private static (int Exit, string Output) Ipmitool(int port, string user, string password, params string[] command) =>
        Command.Run("ipmitool", ["-I", "lanplus", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", user, "-P", password, "-C", "17", .. command]);

    private void Collect(string? line, ManualResetEventSlim ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("logs:", StringComparison.Ordinal))
        {
            ready.Set();
        }
    }
}
