using Appliance.Ipmi.Commands;

namespace Appliance.Ipmi.Tests;

/// <summary>ipmitool (Debian's 1.8.19, -I lanplus) against the server, as an operator would run it.</summary>
public sealed class IpmitoolTests
{
    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Mc_info_shows_what_get_device_id_returned(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, suite, "mc", "info");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"Device ID\s+: 32", r.StdOut);
        Assert.Matches(@"Firmware Revision\s+: 3\.14", r.StdOut);
        Assert.Matches(@"IPMI Version\s+: 2\.0", r.StdOut);
        Assert.Matches(@"Manufacturer ID\s+: 790526", r.StdOut);
        Assert.Matches(@"Product ID\s+: 2577 \(0x0a11\)", r.StdOut);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Chassis_status_shows_what_the_handler_returned(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();
        bmc.PowerOn = true;

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, suite, "chassis", "status");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"System Power\s+: on", r.StdOut);
        Assert.Matches(@"Power Restore Policy\s+: previous", r.StdOut);
        Assert.Matches(@"Last Power Event\s+: command", r.StdOut);
        Assert.Matches(@"Front-Panel Lockout\s+: active", r.StdOut);
        Assert.Matches(@"Cooling/Fan Fault\s+: true", r.StdOut);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Chassis_power_on_reaches_the_handler(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.OperatorUser, TestBmc.OperatorPassword, suite, "-L", "OPERATOR", "chassis", "power", "on");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Chassis Power Control: Up/On", r.StdOut);
        Assert.Equal([ChassisControl.PowerUp], bmc.ControlRequests);
        var status = await Tool.IpmitoolAsync(bmc.Port, TestBmc.OperatorUser, TestBmc.OperatorPassword, suite, "-L", "OPERATOR", "chassis", "power", "status");
        Assert.Contains("Chassis Power is on", status.StdOut);
    }

    [Fact]
    public async Task Without_cipher_suite_option_ipmitool_picks_suite_17_from_the_advertised_list()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, null, "-v", "chassis", "power", "off");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Using best available cipher suite 17", r.All);
        Assert.Contains("Chassis Power Control: Down/Off", r.StdOut);
        Assert.Equal([ChassisControl.PowerDown], bmc.ControlRequests);
    }

    [Fact]
    public async Task Session_info_active_describes_the_callers_session()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "session", "info", "active");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"session handle\s+: 1", r.StdOut);
        Assert.Matches(@"slot count\s+: 16", r.StdOut);
        Assert.Matches(@"active sessions\s+: 1", r.StdOut);
        Assert.Matches(@"user id\s+: 2", r.StdOut);
        Assert.Matches(@"privilege level\s+: ADMINISTRATOR", r.StdOut);
        Assert.Matches(@"session type\s+: IPMIv2/RMCP\+", r.StdOut);
        Assert.Matches(@"channel number\s+: 0x01", r.StdOut);
        Assert.Matches(@"console ip\s+: 127\.0\.0\.1", r.StdOut);
        Assert.Matches(@"console port\s+: [1-9][0-9]*", r.StdOut);
    }

    [Fact]
    public async Task Channel_getciphers_lists_exactly_suites_3_and_17()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "channel", "getciphers", "ipmi");

        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[1..];
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"^3\s+N/A\s+hmac_sha1\s+hmac_sha1_96\s+aes_cbc_128$", rows[0]);
        Assert.Matches(@"^17\s+N/A\s+hmac_sha256\s+sha256_128\s+aes_cbc_128$", rows[1]);
    }

    [Fact]
    public async Task Mc_guid_shows_the_configured_system_guid()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "mc", "guid");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"System GUID\s+: " + TestBmc.SystemGuid, r.StdOut);
    }

    [Fact]
    public async Task Kg_protected_bmc_accepts_ipmitool_with_the_right_kg()
    {
        await using var bmc = await TestBmc.StartAsync(o => o.Kg = "0123456789abcdefghij"u8.ToArray());

        var ok = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-k", "0123456789abcdefghij", "chassis", "power", "status");
        var wrong = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "-k", "not-the-bmc-key-0000", "-v", "chassis", "power", "status");

        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("Chassis Power is off", ok.StdOut);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("Unable to establish IPMI v2 / RMCP+ session", wrong.StdErr);
    }

    [Fact]
    public async Task Sessions_are_closed_when_ipmitool_exits()
    {
        await using var bmc = await TestBmc.StartAsync();

        for (int i = 0; i < 3; i++)
        {
            var r = await Tool.IpmitoolAsync(bmc.Port, TestBmc.AdminUser, TestBmc.AdminPassword, 17, "chassis", "power", "status");
            Assert.True(r.ExitCode == 0, r.ToString());
        }

        await Wait.UntilAsync(() => bmc.Server.SessionCount == 0, "every ipmitool session closed");
        Assert.Equal(3, bmc.Server.Statistics.SessionsOpened);
    }
}
