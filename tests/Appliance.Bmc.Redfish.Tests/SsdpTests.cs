using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Bmc.Redfish.Tests;

/// <summary>SSDP discovery (DSP0266): off by default, switched on through NetworkProtocol.SSDP, answering M-SEARCH on loopback.</summary>
public sealed class SsdpTests : IAsyncLifetime
{
    private const string Search = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: {0}\r\n\r\n";
    private RedfishRig _rig = null!;

    public async Task InitializeAsync() => _rig = await RedfishRig.StartAsync();

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task An_enabled_bmc_answers_a_search_for_redfish_with_its_service_root()
    {
        int port = FreeUdpPort();
        using HttpClient admin = _rig.Admin();
        JsonObject protocol = await admin.GetJsonAsync("/redfish/v1/Managers/bmc/NetworkProtocol");
        Assert.False(protocol["SSDP"]!["ProtocolEnabled"]!.GetValue<bool>());

        Tool.Result enable = await Tool.RunAsync("curl", ["-sk", "-u", $"{RedfishRig.AdminUser}:{RedfishRig.AdminPassword}", "-X", "PATCH",
            "-H", "Content-Type: application/json", "-d", $$$"""{"SSDP": {"ProtocolEnabled": true, "Port": {{{port}}}}}""", _rig.BaseUrl + "/redfish/v1/Managers/bmc/NetworkProtocol"]);
        Assert.True(enable.ExitCode == 0, enable.ToString());
        Assert.True(JsonNode.Parse(enable.Stdout)!["SSDP"]!["ProtocolEnabled"]!.GetValue<bool>(), enable.Stdout);

        Dictionary<string, string> answer = (await SearchAsync(port, "urn:dmtf-org:service:redfish-rest:1"))!;
        Assert.Equal("urn:dmtf-org:service:redfish-rest:1", answer["ST"]);
        Assert.Equal($"uuid:{_rig.Host.DeviceGuid}::urn:dmtf-org:service:redfish-rest:1", answer["USN"]);
        Assert.Equal(_rig.BaseUrl + "/redfish/v1/", answer["AL"]);
        Assert.Matches(@"max-age=\d{4,}", answer["CACHE-CONTROL"]);

        // The location it names is the service root, which names the same UUID.
        using HttpClient anonymous = _rig.Client();
        JsonObject root = await anonymous.GetJsonAsync(answer["AL"][_rig.BaseUrl.Length..]);
        Assert.Equal(_rig.Host.DeviceGuid.ToString(), root["UUID"]!.GetValue<string>());

        Assert.Equal("urn:dmtf-org:service:redfish-rest:1", (await SearchAsync(port, "ssdp:all"))!["ST"]);
        Assert.Equal("urn:dmtf-org:service:redfish-rest:1:20", (await SearchAsync(port, "urn:dmtf-org:service:redfish-rest:1:20"))!["ST"]);
        Assert.Null(await SearchAsync(port, "urn:schemas-upnp-org:device:MediaServer:1"));

        // Kept across a restart of the BMC; switched off again, it answers no more.
        await _rig.StopBmcAsync();
        await _rig.StartBmcAsync();
        Assert.Equal(_rig.BaseUrl + "/redfish/v1/", (await SearchAsync(port, "urn:dmtf-org:service:redfish-rest:1"))!["AL"]);
        using HttpClient again = _rig.Admin();
        (HttpStatusCode status, _, _) = await again.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/NetworkProtocol", """{"SSDP": {"ProtocolEnabled": false}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(await SearchAsync(port, "urn:dmtf-org:service:redfish-rest:1"));
    }

    [Fact]
    public async Task A_port_that_cannot_be_bound_is_refused_and_ssdp_stays_as_it_was()
    {
        using var taken = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)taken.Client.LocalEndPoint!).Port;
        using HttpClient admin = _rig.Admin();
        (HttpStatusCode status, JsonObject? error, _) = await admin.SendAsync(HttpMethod.Patch, "/redfish/v1/Managers/bmc/NetworkProtocol",
            $$$"""{"SSDP": {"ProtocolEnabled": true, "Port": {{{port}}}}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Base.PropertyValueIncorrect", Http.MessageIds(error));
        Assert.False(_rig.Service.Services.Ssdp.Enabled);
        Assert.Equal(1900, _rig.Service.Services.Ssdp.Port);
    }

    /// <summary>A unicast M-SEARCH to the BMC on loopback; the answer's headers, or null when none comes within two seconds.</summary>
    private static async Task<Dictionary<string, string>?> SearchAsync(int port, string target)
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(Encoding.ASCII.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, Search, target)), new IPEndPoint(IPAddress.Loopback, port));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            UdpReceiveResult received = await client.ReceiveAsync(limit.Token);
            string[] lines = Encoding.ASCII.GetString(received.Buffer).Split("\r\n");
            Assert.Equal("HTTP/1.1 200 OK", lines[0]);
            return lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf(':', StringComparison.Ordinal)].Trim().ToUpperInvariant(), l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
