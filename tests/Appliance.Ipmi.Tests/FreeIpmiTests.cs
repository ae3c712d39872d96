using Appliance.Ipmi.Commands;

namespace Appliance.Ipmi.Tests;

/// <summary>FreeIPMI's tools (-D LAN_2_0, host:port) against the server.</summary>
public sealed class FreeIpmiTests
{
    private static Task<Tool.Result> FreeIpmiAsync(string tool, int port, int suite, params string[] command)
    {
        string[] args = ["-D", "LAN_2_0", "-h", $"127.0.0.1:{port}", "-u", TestBmc.AdminUser, "-p", TestBmc.AdminPassword, "-l", "ADMIN", "-I", suite.ToString(), "--session-timeout=5000", .. command];
        return Tool.RunAsync(tool, args);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Bmc_info_shows_device_id_and_system_guid(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await FreeIpmiAsync("bmc-info", bmc.Port, suite, "--get-device-id");
        var guid = await FreeIpmiAsync("bmc-info", bmc.Port, suite, "--get-system-guid");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"Device ID\s+: 32", r.StdOut);
        Assert.Matches(@"Firmware Revision\s+: 3\.14", r.StdOut);
        Assert.Matches(@"Manufacturer ID\s+: 790526", r.StdOut);
        Assert.Matches(@"Auxiliary Firmware Revision Information : 01020304h", r.StdOut);
        Assert.Equal(TestBmc.SystemGuid.ToString(), guid.StdOut.Trim());
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Ipmi_chassis_shows_chassis_status(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await FreeIpmiAsync("ipmi-chassis", bmc.Port, suite, "--get-chassis-status");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"System Power\s+: off", r.StdOut);
        Assert.Matches(@"Power restore policy\s+: Restore", r.StdOut);
        Assert.Matches(@"Last Power Event\s+: power on via ipmi command", r.StdOut);
        Assert.Matches(@"Front panel lockout\s+: active", r.StdOut);
        Assert.Matches(@"Cooling/fan fault\s+: true", r.StdOut);
        Assert.Matches(@"Chassis Identify state\s+: off", r.StdOut);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Ipmipower_reads_and_switches_power(int suite)
    {
        await using var bmc = await TestBmc.StartAsync();

        var before = await FreeIpmiAsync("ipmipower", bmc.Port, suite, "--stat");
        var on = await FreeIpmiAsync("ipmipower", bmc.Port, suite, "--on");
        var after = await FreeIpmiAsync("ipmipower", bmc.Port, suite, "--stat");
        var cycle = await FreeIpmiAsync("ipmipower", bmc.Port, suite, "--cycle");

        Assert.Equal("127.0.0.1: off", before.StdOut.Trim());
        Assert.Equal("127.0.0.1: ok", on.StdOut.Trim());
        Assert.Equal("127.0.0.1: on", after.StdOut.Trim());
        Assert.Equal("127.0.0.1: ok", cycle.StdOut.Trim());
        Assert.Equal([ChassisControl.PowerUp, ChassisControl.PowerCycle], bmc.ControlRequests);
    }

    [Fact]
    public async Task Ipmipower_retransmissions_of_a_slow_power_cycle_run_it_once()
    {
        await using var bmc = await TestBmc.StartAsync();
        bmc.HoldControl = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // ipmipower resends after 400 ms, each time under a new rqSeq.
        var cycle = FreeIpmiAsync("ipmipower", bmc.Port, 17, "--cycle");
        await Wait.UntilAsync(() => bmc.Server.Statistics.DuplicateRequests >= 2, "two retransmissions of the power cycle");
        bmc.HoldControl.SetResult();
        var r = await cycle;

        Assert.Equal("127.0.0.1: ok", r.StdOut.Trim());
        Assert.Equal([ChassisControl.PowerCycle], bmc.ControlRequests);
    }

    [Fact]
    public async Task Ipmipower_with_a_wrong_password_reports_a_password_error()
    {
        await using var bmc = await TestBmc.StartAsync();

        var r = await Tool.RunAsync("ipmipower", ["-D", "LAN_2_0", "-h", $"127.0.0.1:{bmc.Port}", "-u", TestBmc.AdminUser, "-p", "wrong", "-I", "17", "--session-timeout=5000", "--stat"]);

        Assert.Equal("127.0.0.1: password invalid", r.StdOut.Trim());
        Assert.Empty(bmc.ControlRequests);
    }
}
