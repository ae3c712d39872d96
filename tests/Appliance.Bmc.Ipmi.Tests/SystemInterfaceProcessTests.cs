using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;
using Appliance.Ipmi.Commands;
using Appliance.Ipmi.SystemInterface;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The host talks to its own BMC: a board served by appliance-board-sim with the host's system
/// interface (serve --system-interface), the real appliance-bmc on it, and the host's side through
/// the project's client on the host's socket (its /dev/ipmi0), next to ipmitool, curl and the
/// board's own control tool.
/// </summary>
public sealed class SystemInterfaceProcessTests
{
    private const string Token = "k3j9x2.abcdefgh01234567.aaaabbbbccccddddeeeeffffgg";

    [Fact]
    public async Task The_host_reads_the_join_an_administrator_set_over_lan_and_its_report_reaches_the_panel_and_redfish()
    {
        await using var rig = await ProcessRig.StartAsync(systemInterface: true, redfish: true);
        using var host = new SocketSystemInterface(rig.SystemInterface);

        // The host's Get Device ID is the BMC's, as LAN sees it.
        IpmiResponse inBand = await Ask(host, NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty);
        await using IpmiSession lan = await rig.Client().OpenSessionAsync();
        IpmiResponse overLan = await lan.SendAsync(NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(0, inBand.CompletionCode);
        Assert.Equal(Convert.ToHexString(overLan.Data.Span), Convert.ToHexString(inBand.Data.Span));

        Assert.Equal(new ClusterJoin(null, null), await host.GetClusterJoinAsync());
        Tool.Result set = await rig.IpmitoolAsync(["raw", "0x30", "0x72", "0x01", .. Hex(Token)]);
        Assert.True(set.ExitCode == 0, set.ToString());
        set = await rig.IpmitoolAsync(["raw", "0x30", "0x72", "0x03", .. Hex("10.77.0.1:7443")]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(new ClusterJoin(Token, "10.77.0.1:7443"), await host.GetClusterJoinAsync());

        // The same through Redfish: the token is never shown, only that one is set.
        JsonElement cluster = await ClusterOemAsync(rig);
        Assert.Equal(("k3j9x2.****", "10.77.0.1:7443", "Joining"),
            (cluster.GetProperty("JoinToken").GetString(), cluster.GetProperty("ClusterAddress").GetString(), cluster.GetProperty("Membership").GetString()));
        Tool.Result patch = await CurlAsync(rig, "-X", "PATCH", "-H", "Content-Type: application/json",
            "-d", """{"Oem": {"Appliance": {"Cluster": {"ClusterAddress": "cluster.lab:7443"}}}}""", Manager(rig));
        Assert.True(patch.ExitCode == 0 && patch.StdOut.Contains("cluster.lab:7443", StringComparison.Ordinal), patch.ToString());
        Assert.Equal(new ClusterJoin(Token, "cluster.lab:7443"), await host.GetClusterJoinAsync());

        // The host joins; the panel and Redfish show it.
        await host.ReportClusterMembershipAsync(new ClusterMembershipReport(ClusterMembershipState.Member, "lab", "n1", "", IPAddress.Parse("10.77.0.1")));
        string[] lcd = await ClusterScreenAsync(rig);
        Assert.Equal(["Cluster: member of", "lab", "node n1"], lcd[..3]);
        cluster = await ClusterOemAsync(rig);
        Assert.Equal(("Member", "lab", "n1", "10.77.0.1"),
            (cluster.GetProperty("Membership").GetString(), cluster.GetProperty("ClusterName").GetString(), cluster.GetProperty("NodeName").GetString(), cluster.GetProperty("HostAddress").GetString()));

        // A refusal, with its reason for the person at the panel.
        await host.ReportClusterMembershipAsync(new ClusterMembershipReport(ClusterMembershipState.Refused, "", "n1",
            "join token k3j9x2 expired: make a new one", IPAddress.Parse("10.77.0.1")));
        lcd = await ClusterScreenAsync(rig);
        Assert.Equal(["Cluster join refused", "join token k3j9x2", "expired: make a new"], lcd[..3]);
        cluster = await ClusterOemAsync(rig);
        Assert.Equal(("Refused", "join token k3j9x2 expired: make a new one"), (cluster.GetProperty("Membership").GetString(), cluster.GetProperty("Message").GetString()));

        // The cluster reads the same report over LAN (Get Cluster Membership), to say why the node is not in.
        Assert.Equal(new ClusterMembershipReport(ClusterMembershipState.Refused, "", "n1", "join token k3j9x2 expired: make a new one", IPAddress.Parse("10.77.0.1")),
            await lan.GetClusterMembershipAsync());

        // All of it survives the BMC's restart.
        rig.KillBmc();
        await rig.StartBmcAsync();
        await WaitAttachedAsync(host);
        Assert.Equal(new ClusterJoin(Token, "cluster.lab:7443"), await host.GetClusterJoinAsync());
        Assert.Equal("Refused", (await ClusterOemAsync(rig)).GetProperty("Membership").GetString());

        // A factory reset at the panel forgets it all.
        foreach (string button in new[] { "PANEL_BACK", "PANEL_SELECT", "PANEL_UP", "PANEL_SELECT", "PANEL_SELECT", "PANEL_SELECT" })
        {
            Tool.Result press = await rig.BoardCtlAsync("press", button, "100");
            Assert.True(press.ExitCode == 0, press.ToString());
        }

        await Wait.UntilAsync(() => LcdAsync(rig).GetAwaiter().GetResult()[0].StartsWith("Reset done", StringComparison.Ordinal), "the factory reset", 30);
        Assert.Equal(new ClusterJoin(null, null), await host.GetClusterJoinAsync());
        cluster = await ClusterOemAsync(rig);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, "None"),
            (cluster.GetProperty("JoinToken").ValueKind, cluster.GetProperty("ClusterAddress").ValueKind, cluster.GetProperty("Membership").GetString()));
    }

    [Fact]
    public async Task Over_lan_the_join_needs_an_administrator_reports_are_refused_and_bad_requests_change_nothing()
    {
        await using var rig = await ProcessRig.StartAsync(systemInterface: true);
        using var host = new SocketSystemInterface(rig.SystemInterface);
        Assert.True((await rig.IpmitoolAsync(["raw", "0x30", "0x72", "0x01", .. Hex(Token)])).ExitCode == 0);
        Assert.True((await rig.IpmitoolAsync(["raw", "0x30", "0x72", "0x03", .. Hex("10.77.0.1:7443")])).ExitCode == 0);
        foreach (string[] command in new[]
        {
            new[] { "user", "set", "name", "3", "ops" }, ["user", "set", "password", "3", "Operator-pass1"],
            ["raw", "0x06", "0x43", "0x91", "0x03", "0x03"], ["user", "enable", "3"],
        })
        {
            Tool.Result made = await rig.IpmitoolAsync(command);
            Assert.True(made.ExitCode == 0, made.ToString());
        }

        // An operator may neither read nor change the join; nobody reports membership over LAN.
        Tool.Result asOperator = await Tool.IpmitoolAsync(rig.IpmiPort, "ops", "Operator-pass1", 17, "-L", "OPERATOR", "raw", "0x30", "0x71");
        Assert.Contains("rsp=0xd4", asOperator.All, StringComparison.Ordinal);
        asOperator = await Tool.IpmitoolAsync(rig.IpmiPort, "ops", "Operator-pass1", 17, "-L", "OPERATOR", "raw", "0x30", "0x72", "0x02");
        Assert.Contains("rsp=0xd4", asOperator.All, StringComparison.Ordinal);
        // An operator (the cluster's own account is one) reads what the host reported: joining, as a token waits, nothing else yet.
        asOperator = await Tool.IpmitoolAsync(rig.IpmiPort, "ops", "Operator-pass1", 17, "-L", "OPERATOR", "raw", "0x30", "0x74");
        Assert.True(asOperator.ExitCode == 0, asOperator.ToString());
        Assert.Equal("01 00 00 00 00 00 00 00", string.Join(' ', asOperator.StdOut.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
        Tool.Result report = await rig.IpmitoolAsync(["raw", "0x30", "0x73", "0x02", "0x01", "0x61", "0x00", "0x00", "0x0a", "0x00", "0x00", "0x01"]);
        Assert.Contains("rsp=0xd4", report.All, StringComparison.Ordinal);

        // Lengths that do not fit get C7h, values that are not a token or an address CCh.
        (string[] Request, string Code)[] refused =
        [
            (["0x71", "0x00"], "0xc7"),
            (["0x74", "0x00"], "0xc7"),
            (["0x72"], "0xc7"),
            (["0x72", "0x01"], "0xc7"),
            (["0x72", "0x02", "0x00"], "0xc7"),
            (["0x72", "0x04", "0x00"], "0xc7"),
            (["0x72", "0x01", .. Hex(new string('a', 65))], "0xc7"),
            (["0x72", "0x01", .. Hex("ABC123.xyz")], "0xcc"),
            (["0x72", "0x01", .. Hex("abc")], "0xcc"),
            (["0x72", "0x03", .. Hex("10.77.0.1:99999")], "0xcc"),
            (["0x72", "0x03", .. Hex("10.77.0.256")], "0xcc"),
            (["0x72", "0x09"], "0xcc"),
        ];
        foreach ((string[] request, string code) in refused)
        {
            Tool.Result answer = await rig.IpmitoolAsync(["raw", "0x30", .. request]);
            Assert.True(answer.All.Contains("rsp=" + code, StringComparison.Ordinal), $"{string.Join(' ', request)}: {answer}");
        }

        Tool.Result join = await rig.IpmitoolAsync("raw", "0x30", "0x71");
        Assert.Equal(string.Join(' ', Hex(Token).Prepend("0x32").Concat(["0x0e", .. Hex("10.77.0.1:7443")]).Select(h => h[2..])),
            string.Join(' ', join.StdOut.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));

        // The host's reports are checked the same way; a bad one changes nothing either.
        await host.ReportClusterMembershipAsync(new ClusterMembershipReport(ClusterMembershipState.Joining, "lab", "n1", "", IPAddress.Any));
        (byte[] Data, byte Code)[] badReports =
        [
            ([0x02, 0x03, (byte)'l', (byte)'a', (byte)'b', 0x00, 0x00, 10, 77, 0], 0xC7),               // the address is cut short
            ([0x02, 0x09, (byte)'l', (byte)'a', (byte)'b', 0x00, 0x00, 10, 77, 0, 1], 0xC7),            // a length runs past the end
            ([0x02, 0x03, (byte)'l', (byte)'a', (byte)'b', 0x00, 0x00, 10, 77, 0, 1, 0], 0xC7),         // a byte too many
            ([0x04, 0x03, (byte)'l', (byte)'a', (byte)'b', 0x00, 0x00, 10, 77, 0, 1], 0xCC),            // no such state
            ([0x02, 0x00, 0x00, 0x00, 10, 77, 0, 1], 0xCC),                                             // a member of no cluster
            ([0x03, 0x00, 0x00, 0x02, (byte)'a', 0x07, 10, 77, 0, 1], 0xCC),                            // a message that is not printable
        ];
        foreach ((byte[] data, byte code) in badReports)
        {
            IpmiResponse answer = await Ask(host, OemCommand.NetFn, OemCommand.ReportClusterMembership, data);
            Assert.True(answer.CompletionCode == code, $"{Convert.ToHexString(data)}: {answer}");
        }

        string[] lcd = await ClusterScreenAsync(rig);
        Assert.Equal(["Cluster: joining", "via 10.77.0.1:7443"], lcd[..2]);
    }

    [Fact]
    public async Task The_host_makes_an_account_in_band_that_then_logs_in_over_lan_and_learns_the_bmcs_address()
    {
        await using var rig = await ProcessRig.StartAsync(systemInterface: true);
        using var host = new SocketSystemInterface(rig.SystemInterface);

        // As MAAS and the cluster service do it: no password, the system interface's privilege.
        byte channel = await host.FindLanChannelAsync();
        Assert.Equal(1, channel);
        await host.SetUserNameAsync(5, "cluster");
        await host.SetUserPasswordAsync(5, "In-band-pass-0123");
        await host.SetUserAccessAsync(channel, 5, PrivilegeLevel.Operator, ipmiMessaging: true);
        await host.SetUserEnabledAsync(5, true);
        await host.SetChannelAccessAsync(channel, ChannelAccessMode.AlwaysAvailable, PrivilegeLevel.Administrator);
        Assert.True(await host.TestUserPasswordAsync(5, "In-band-pass-0123"));
        Assert.False(await host.TestUserPasswordAsync(5, "not-the-password"));

        Tool.Result power = await Tool.IpmitoolAsync(rig.IpmiPort, "cluster", "In-band-pass-0123", 17, "-L", "OPERATOR", "chassis", "power", "status");
        Assert.True(power.ExitCode == 0 && power.StdOut.Contains("Chassis Power is off", StringComparison.Ordinal), power.ToString());
        Tool.Result users = await rig.IpmitoolAsync("user", "list", "1");
        Assert.Matches(@"\n5\s+cluster\s+true\s+false\s+true\s+OPERATOR", users.StdOut);

        // The system interface is channel Fh; 0Eh ("this channel") from the host means it, not LAN.
        IpmiResponse info = await Ask(host, NetFn.App, AppCommand.GetChannelInfo, new byte[] { 0x0E });
        Assert.Equal("000F0C0500F21B00FFFF", Convert.ToHexString([info.CompletionCode, .. info.Data.Span]));
        IpmiResponse lanParameter = await Ask(host, NetFn.Transport, TransportCommand.GetLanConfigurationParameters, new byte[] { 0x0E, 0x03, 0x00, 0x00 });
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, lanParameter.CompletionCode);
        Assert.Equal(IPAddress.Loopback, await host.GetIpAddressAsync(channel));

        // The session commands: the host sees and closes LAN sessions, and has none of its own.
        await using IpmiSession lan = await rig.Client().OpenSessionAsync();
        IpmiResponse byIndex = await Ask(host, NetFn.App, AppCommand.GetSessionInfo, new byte[] { 0x01 });
        Assert.Equal(0, byIndex.CompletionCode);
        Assert.Equal(2, byIndex.Data.Span[3]); // user 2, the administrator
        Assert.Equal(CompletionCode.InvalidDataFieldInRequest, (await Ask(host, NetFn.App, AppCommand.GetSessionInfo, new byte[] { 0x00 })).CompletionCode);
        Assert.Equal(CompletionCode.InvalidCommand, (await Ask(host, NetFn.App, AppCommand.SetSessionPrivilegeLevel, new byte[] { 0x04 })).CompletionCode);
        Assert.Equal(0x87, (await Ask(host, NetFn.App, AppCommand.CloseSession, new byte[] { 1, 2, 3, 4 })).CompletionCode);
        Assert.Equal(0, (await Ask(host, NetFn.App, AppCommand.CloseSession, new byte[] { 0, 0, 0, 0, byIndex.Data.Span[0] })).CompletionCode);
        await Assert.ThrowsAnyAsync<IpmiException>(() => lan.SendAsync(NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty));
        IpmiResponse guid = await Ask(host, NetFn.App, AppCommand.GetSystemGuid, ReadOnlyMemory<byte>.Empty);
        Assert.Equal((0, 16), (guid.CompletionCode, guid.Data.Length));
    }

    [Fact]
    public async Task A_restarted_bmc_or_board_attaches_again_and_requests_made_meanwhile_time_out()
    {
        await using var rig = await ProcessRig.StartAsync(systemInterface: true);
        using var host = new SocketSystemInterface(rig.SystemInterface, TimeSpan.FromSeconds(15));
        Assert.Equal(0, (await Ask(host, NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty)).CompletionCode);

        // No BMC: the board answers for it as Linux's driver does, within its 5 s.
        rig.KillBmc();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IpmiResponse meanwhile = await Ask(host, NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(CompletionCode.Timeout, meanwhile.CompletionCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"the timeout took {clock.Elapsed}");

        await rig.StartBmcAsync();
        await WaitAttachedAsync(host);
        Assert.Contains("System interface: answering the host's requests", rig.BmcLog(), StringComparison.Ordinal);

        // The board goes and comes back while the BMC runs on: it attaches to the new board.
        rig.KillBoard();
        await rig.StartBoardAsync();
        using var rebooted = new SocketSystemInterface(rig.SystemInterface, TimeSpan.FromSeconds(15));
        await WaitAttachedAsync(rebooted);
        Assert.True((await rig.IpmitoolAsync("mc", "info")).ExitCode == 0);
    }

    /// <summary>One request from the host (LUN 00b).</summary>
    private static Task<IpmiResponse> Ask(SocketSystemInterface host, NetFn netFn, byte command, ReadOnlyMemory<byte> data) =>
        host.SendAsync(netFn, 0, command, data);

    /// <summary>Repeats Get Device ID until the BMC answers it (C3h while none is attached).</summary>
    private static async Task WaitAttachedAsync(SocketSystemInterface host)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await Ask(host, NetFn.App, AppCommand.GetDeviceId, ReadOnlyMemory<byte>.Empty)).CompletionCode == 0)
                {
                    return;
                }
            }
            catch (IpmiException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200); // the board is not back yet
            }

            Assert.True(DateTime.UtcNow < deadline, "the BMC did not attach to the board's system interface");
        }
    }

    /// <summary>The LCD's rows as appliance-board-sim ctl status reports them.</summary>
    private static async Task<string[]> LcdAsync(ProcessRig rig)
    {
        Tool.Result status = await rig.BoardCtlAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        using JsonDocument json = JsonDocument.Parse(status.StdOut);
        return [.. json.RootElement.GetProperty("lcd").EnumerateArray().Select(row => row.GetString()!.TrimEnd())];
    }

    /// <summary>
    /// The idle cluster screen, as a person gets it: Back (the first screen), then Up (the last one). Each
    /// press is waited for, so a cluster screen shown before the presses is not taken for the new one; the
    /// footer is the last row written, so the rows above it are whole by then.
    /// </summary>
    private static async Task<string[]> ClusterScreenAsync(ProcessRig rig)
    {
        string[] lcd = [];
        foreach ((string button, string footer) in new[] { ("PANEL_BACK", "[1/4]"), ("PANEL_UP", "[4/4]") })
        {
            Tool.Result press = await rig.BoardCtlAsync("press", button, "100");
            Assert.True(press.ExitCode == 0, press.ToString());
            await Wait.UntilAsync(() => (lcd = LcdAsync(rig).GetAwaiter().GetResult())[3].StartsWith(footer, StringComparison.Ordinal), $"the idle screen {footer}", 20);
        }

        return lcd;
    }

    private static string Manager(ProcessRig rig) => $"https://127.0.0.1:{rig.RedfishPort}/redfish/v1/Managers/bmc";

    private static Task<Tool.Result> CurlAsync(ProcessRig rig, params string[] args) =>
        Tool.RunAsync("curl", ["-sk", "--fail-with-body", "-u", $"{ProcessRig.AdminUser}:{ProcessRig.AdminPassword}", .. args]);

    private static async Task<JsonElement> ClusterOemAsync(ProcessRig rig)
    {
        Tool.Result got = await CurlAsync(rig, Manager(rig));
        Assert.True(got.ExitCode == 0, got.ToString());
        using JsonDocument json = JsonDocument.Parse(got.StdOut);
        return json.RootElement.GetProperty("Oem").GetProperty("Appliance").GetProperty("Cluster").Clone();
    }

    private static string[] Hex(string text) => [.. Encoding.ASCII.GetBytes(text).Select(b => "0x" + b.ToString("x2", CultureInfo.InvariantCulture))];
}
