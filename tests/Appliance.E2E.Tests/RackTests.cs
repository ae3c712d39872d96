using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json;

namespace Appliance.E2E.Tests;

/// <summary>
/// The simulated rack as `./build.sh run` starts it: every node reachable on its documented ports
/// with the credentials in nodes.json, through the real clients.
/// </summary>
public sealed class RackTests : IDisposable
{
    private const int Nodes = 2;
    private readonly Rack _rack = new(Nodes);

    public void Dispose() => _rack.Dispose();

    [Fact]
    public void Every_node_answers_ipmi_and_redfish_on_its_ports_with_the_recorded_credentials()
    {
        Assert.Equal(Nodes, _rack.Nodes.Count);

        var serials = new HashSet<string>();
        foreach (RackNode node in _rack.Nodes)
        {
            int k = node.Node;
            Assert.Equal(_rack.IpmiBase + k, node.IpmiPort);
            Assert.Equal($"https://127.0.0.1:{_rack.RedfishBase + k}", node.RedfishUrl);
            Assert.Equal($"{_rack.Subnet}.{k}", node.RackAddress);
            Assert.Equal($"http://{_rack.Subnet}.{k}:8770", node.AgentUrl);
            Assert.Equal($"{_rack.Subnet}.{100 + k}", node.BmcAddress);

            (int exit, string status) = node.Ipmitool("chassis", "status");
            Assert.True(exit == 0, status);
            Assert.Contains("System Power         : off", status);

            (exit, string fru) = node.Ipmitool("fru", "print", "0");
            Assert.True(exit == 0, fru);
            string serial = fru.Split('\n').First(l => l.Contains("Product Serial")).Split(':')[1].Trim();
            serials.Add(serial);

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
            using var http = new HttpClient(handler);
            var request = new HttpRequestMessage(HttpMethod.Get, node.RedfishUrl + "/redfish/v1/Systems/system");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{node.User}:{node.Password}")));
            using HttpResponseMessage response = http.Send(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using JsonDocument system = JsonDocument.Parse(response.Content.ReadAsStream());
            Assert.Equal("Off", system.RootElement.GetProperty("PowerState").GetString());

            // The same BMC on the rack network, at its management address, on the ports IPMI and HTTPS have there;
            // LAN parameter 3 says where, for a host asking its BMC in-band.
            (exit, string onRack) = node.IpmitoolOnRack("lan", "print", "1");
            Assert.True(exit == 0, onRack);
            Assert.Matches($@"IP Address\s+: {Regex.Escape(node.BmcAddress)}\n", onRack);
            (exit, string curl) = Command.Run("curl", ["-sk", "--fail-with-body", "-u", $"{node.User}:{node.Password}", $"https://{node.BmcAddress}/redfish/v1/Managers/bmc/NetworkProtocol"]);
            Assert.True(exit == 0, curl);
            using (JsonDocument protocol = JsonDocument.Parse(curl))
            {
                Assert.Equal((443, 623), (protocol.RootElement.GetProperty("HTTPS").GetProperty("Port").GetInt32(), protocol.RootElement.GetProperty("IPMI").GetProperty("Port").GetInt32()));
            }

            // A powered-off node runs nothing of its host.
            Assert.Equal("off", node.BoardStatus().GetProperty("hostOs").GetString());
        }

        Assert.Equal(Nodes, serials.Count);
    }

    [Fact]
    public void Powering_one_node_on_leaves_the_others_off()
    {
        RackNode first = _rack.Nodes[0];
        RackNode second = _rack.Nodes[1];

        (int exit, string output) = first.Ipmitool("chassis", "power", "on");
        Assert.True(exit == 0, output);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (first.BoardStatus().GetProperty("hostState").GetString() != "Running" && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }

        Assert.Equal("Running", first.BoardStatus().GetProperty("hostState").GetString());
        Assert.Equal("Off", second.BoardStatus().GetProperty("hostState").GetString());
        (_, string status) = second.Ipmitool("chassis", "power", "status");
        Assert.Contains("Chassis Power is off", status);
    }
}
