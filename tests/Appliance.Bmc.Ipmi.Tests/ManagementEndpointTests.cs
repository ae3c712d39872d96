using System.Net;
using System.Text.Json;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// A BMC that listens on loopback and on a management address, as each BMC of the simulated rack
/// does (appliance-bmc --ipmi and --redfish given twice): both answer, and the management address is
/// what LAN parameter 3 and Redfish report, so a host asking its BMC in-band learns where others reach it.
/// </summary>
public sealed class ManagementEndpointTests
{
    [Fact]
    public async Task Both_endpoints_answer_and_the_one_not_on_loopback_is_the_bmcs_address()
    {
        await using var network = await TestBridge.CreateAsync();
        string address = network.Address.ToString();
        await using var rig = await ProcessRig.StartAsync(systemInterface: true, redfish: true,
            bmcArguments: ["--ipmi", $"{address}:623", "--redfish", $"{address}:443"]);

        Tool.Result onLoopback = await rig.IpmitoolAsync("lan", "print", "1");
        Assert.True(onLoopback.ExitCode == 0, onLoopback.ToString());
        Assert.Matches($@"IP Address\s+: {address.Replace(".", "\\.", StringComparison.Ordinal)}\n", onLoopback.StdOut);
        Tool.Result onManagement = await Tool.RunAsync("ipmitool",
            ["-I", "lanplus", "-H", address, "-U", ProcessRig.AdminUser, "-P", ProcessRig.AdminPassword, "-C", "17", "-N", "1", "-R", "2", "chassis", "power", "status"]);
        Assert.True(onManagement.ExitCode == 0 && onManagement.StdOut.Contains("Chassis Power is off", StringComparison.Ordinal), onManagement.ToString());

        foreach (string url in new[] { $"https://127.0.0.1:{rig.RedfishPort}", $"https://{address}" })
        {
            Tool.Result curl = await Tool.RunAsync("curl", ["-sk", "--fail-with-body", "-u", $"{ProcessRig.AdminUser}:{ProcessRig.AdminPassword}",
                url + "/redfish/v1/Managers/bmc/NetworkProtocol"]);
            Assert.True(curl.ExitCode == 0, curl.ToString());
            using JsonDocument protocol = JsonDocument.Parse(curl.StdOut);
            Assert.Equal((443, 623), (protocol.RootElement.GetProperty("HTTPS").GetProperty("Port").GetInt32(), protocol.RootElement.GetProperty("IPMI").GetProperty("Port").GetInt32()));
        }

        using var host = new SocketSystemInterface(rig.SystemInterface);
        Assert.Equal(network.Address, await host.GetIpAddressAsync(await host.FindLanChannelAsync()));
        Assert.Contains($"IPMI over LAN on udp 127.0.0.1:{rig.IpmiPort}, udp {address}:623", rig.BmcLog(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_given_wrongly_stop_the_bmc_with_the_option_named()
    {
        foreach ((string[] Args, string Message) bad in new[]
        {
            (new[] { "--ipmi", "127.0.0.1:6000", "--ipmi", "127.0.0.1:6000" }, "--ipmi: 127.0.0.1:6000 is given twice"),
            (["--ipmi", "off", "--ipmi", "127.0.0.1:6000"], "--ipmi: \"off\" and endpoints cannot be given together"),
            (["--redfish", "127.0.0.1"], "--redfish: '127.0.0.1' is not ADDRESS:PORT"),
        })
        {
            Tool.Result run = await Tool.RunAsync(Repo.Executable("appliance-bmc"), ["--board", Repo.Hc1, .. bad.Args]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(bad.Message, run.StdErr, StringComparison.Ordinal);
        }
    }

    /// <summary>A bridge of this test's own with an address in a /24 nobody on this machine uses; removed at the end.</summary>
    private sealed class TestBridge : IAsyncDisposable
    {
        private readonly string _name;

        private TestBridge(string name, IPAddress address)
        {
            _name = name;
            Address = address;
        }

        public IPAddress Address { get; }

        public static async Task<TestBridge> CreateAsync()
        {
            string used = (await Tool.RunAsync("ip", ["-4", "-o", "addr", "show"])).StdOut;
            for (int attempt = 0; ; attempt++)
            {
                string subnet = $"10.{Random.Shared.Next(100, 250)}.{Random.Shared.Next(1, 250)}";
                if (used.Contains($" {subnet}.", StringComparison.Ordinal) && attempt < 20)
                {
                    continue;
                }

                var bridge = new TestBridge("apbm" + Guid.NewGuid().ToString("N")[..8], IPAddress.Parse(subnet + ".1"));
                foreach (string[] step in new[]
                {
                    new[] { "link", "add", bridge._name, "type", "bridge" },
                    ["addr", "add", $"{bridge.Address}/24", "dev", bridge._name],
                    ["link", "set", bridge._name, "up"],
                })
                {
                    Tool.Result done = await Tool.RunAsync("ip", step);
                    if (done.ExitCode != 0)
                    {
                        await bridge.DisposeAsync();
                        Assert.Fail($"ip {string.Join(' ', step)}: {done}");
                    }
                }

                return bridge;
            }
        }

        public async ValueTask DisposeAsync() => await Tool.RunAsync("ip", ["link", "del", _name]);
    }
}
