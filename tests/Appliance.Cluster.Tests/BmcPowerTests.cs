using Appliance.Cluster.Bmc;
using Appliance.Cluster.Store;
using Appliance.Ipmi.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Cluster.Tests;

/// <summary>
/// The cluster's power control of a node, against a real BMC on a simulated board, with the cluster's
/// own operator account: IPMI first; Redfish when IPMI does not answer; a password the BMC no longer
/// takes is tried once and then left alone for a while, so that the cluster never locks its own account.
/// </summary>
public sealed class BmcPowerTests
{
    [Fact]
    public async Task The_host_is_powered_on_and_off_over_ipmi_and_over_redfish_when_ipmi_does_not_answer()
    {
        await using var bmc = await NodeBmc.StartAsync();
        var account = await ClusterAccountAsync(bmc);
        var power = new BmcPower(new RedfishCertificates(), new BmcRefusals(), NullLogger<BmcPower>.Instance);
        var ipmi = new BmcAccess("n7", new BmcEndpoint("127.0.0.1", bmc.IpmiPort, bmc.RedfishUrl), account.User, account.Password);

        Assert.Equal(("off", "ipmi"), Read(await power.ReadAsync(ipmi, default)));
        Assert.Equal("ipmi", (await power.PowerOnAsync(ipmi, default)).Via);
        await Wait.UntilAsync(() => bmc.AsAdmin("chassis", "power", "status").Output.Contains("is on", StringComparison.Ordinal), "the host to power on", 30);
        BmcReading on = null!;
        await Wait.UntilAsync(async () => (on = await power.ReadAsync(ipmi, default)).Watts > 0, "DCMI to give the host's draw", 30);
        Assert.Equal(("on", "ipmi"), Read(on));

        // IPMI gone (nothing listens on its port): the same account through Redfish.
        var redfishOnly = ipmi with { Endpoint = new BmcEndpoint("127.0.0.1", ClosedUdpPort(), bmc.RedfishUrl) };
        var reading = await power.ReadAsync(redfishOnly, default);
        Assert.Equal(("on", "redfish"), Read(reading));
        Assert.NotNull(reading.IpmiError);
        Assert.True(reading.Watts > 0, "PowerSubsystem gives the host's draw");
        var off = await power.PowerOffAsync(redfishOnly, default);
        Assert.Equal("redfish", off.Via);
        await Wait.UntilAsync(async () => (await power.ReadAsync(redfishOnly, default)).Power == "off", "Redfish PowerState to say Off", 30);
        Assert.Contains("is off", bmc.AsAdmin("chassis", "power", "status").Output);
    }

    [Fact]
    public async Task A_password_the_bmc_no_longer_takes_is_tried_once_not_again_for_a_while_and_the_account_is_not_locked()
    {
        await using var bmc = await NodeBmc.StartAsync();
        var account = await ClusterAccountAsync(bmc);
        string id = account.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (exit, output) = bmc.AsAdmin("user", "set", "password", id, "Changed-1234");
        Assert.True(exit == 0, output);
        var power = new BmcPower(new RedfishCertificates(), new BmcRefusals(), NullLogger<BmcPower>.Instance);
        var access = new BmcAccess("n7", new BmcEndpoint("127.0.0.1", bmc.IpmiPort, bmc.RedfishUrl), account.User, account.Password);

        var refused = await Assert.ThrowsAsync<BmcRefusedException>(() => power.PowerOffAsync(access, default));
        Assert.StartsWith($"n7's BMC refused the cluster's account at {refused.Refusal.At:HH:mm:ss} (IPMI at 127.0.0.1:{bmc.IpmiPort}: ", refused.Message);
        Assert.EndsWith($"not asked again before {refused.Refusal.At + BmcRefusals.FirstWait:HH:mm:ss}, so that the refusals do not lock the account", refused.Message);

        // The power manager, the fence and the BMC poller ask again and again: the BMC sees none of it until the wait is over.
        for (int i = 0; i < 12; i++)
        {
            var again = await Assert.ThrowsAsync<BmcRefusedException>(() => i % 2 == 0 ? power.ReadAsync(access, default) : power.PowerOffAsync(access, default));
            Assert.Equal(refused.Refusal, again.Refusal);
        }

        // The BMC locks an account at its fifth refused login in five minutes: the cluster's has one.
        var (code, body, error) = Tool.RunSplit("curl", ["-sk", "--fail-with-body", "-u", $"{NodeBmc.AdminUser}:{bmc.AdminPassword}", $"{bmc.RedfishUrl}/redfish/v1/AccountService/Accounts/{id}"]);
        Assert.True(code == 0, body + error);
        using var shown = System.Text.Json.JsonDocument.Parse(body);
        Assert.False(shown.RootElement.GetProperty("Locked").GetBoolean(), body);

        // Another account on the same BMC is not held back by this one's refusals.
        var answered = await power.ReadAsync(access with { User = NodeBmc.AdminUser, Password = bmc.AdminPassword }, default);
        Assert.Equal("ipmi", answered.Via);
    }

    /// <summary>The cluster's dedicated account, made as enrolment makes it (an administrator's session, used once).</summary>
    private static async Task<BmcAccount> ClusterAccountAsync(NodeBmc bmc)
    {
        await using var session = await new IpmiClient(new IpmiClientOptions
        {
            Host = "127.0.0.1", Port = bmc.IpmiPort, UserName = NodeBmc.AdminUser, Password = bmc.AdminPassword,
        }).OpenSessionAsync();
        return await BmcAccountProvisioner.CreateAsync(session, default);
    }

    private static (string, string) Read(BmcReading reading) => (reading.Power, reading.Via);

    private static int ClosedUdpPort()
    {
        using var socket = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
