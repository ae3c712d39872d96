using Appliance.Bmc.Power;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>What a person runs into with ipmitool: a hard off after a soft one, power-on hours, user channel access.</summary>
public sealed class ChassisUsageTests
{
    [Fact]
    public async Task A_hard_power_off_after_a_soft_one_takes_effect_while_the_host_is_still_in_post()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        bmc.Sim.Faults.HangAtPost = true;
        var on = await bmc.IpmitoolAsync("chassis", "power", "on");
        Assert.True(on.ExitCode == 0, on.ToString());
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Post, "the host to be in POST");

        var soft = await bmc.IpmitoolAsync("chassis", "power", "soft");
        Assert.True(soft.ExitCode == 0, soft.ToString());
        await Wait.UntilAsync(() => bmc.Host.Power.State == PowerState.GracefulTransitionToOff, "the soft-off to wait for the host");

        // The graceful timeout is 300 s; the hard off holds the button only for the board's override time.
        var off = await bmc.IpmitoolAsync("chassis", "power", "off");
        Assert.True(off.ExitCode == 0, off.ToString());
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Off, "the host to lose power", 20);
        var status = await bmc.IpmitoolAsync("chassis", "power", "status");
        Assert.Contains("Chassis Power is off", status.StdOut);
    }

    [Fact]
    public async Task Power_on_hours_count_the_time_with_power_good_and_survive_a_bmc_restart()
    {
        var time = InProcessBmc.SimulatedTime();
        await using var first = await InProcessBmc.StartAsync(time: time);
        first.Host.Power.Request(PowerAction.On);
        first.Run(TimeSpan.FromMinutes(62));
        first.Host.Power.Request(PowerAction.ForceOff);
        first.Run(TimeSpan.FromSeconds(20));
        Assert.Equal(HostPowerState.Off, first.Sim.HostState);
        first.Run(TimeSpan.FromMinutes(30)); // off: not counted

        var poh = await first.IpmitoolAsync("chassis", "poh");
        Assert.True(poh.ExitCode == 0, poh.ToString());
        Assert.Contains("POH Counter  : 0 days, 1 hours, 2 minutes", poh.StdOut);

        // On again, and the BMC restarts underneath a running host: the count goes on.
        first.Host.Power.Request(PowerAction.On);
        first.Run(TimeSpan.FromMinutes(40));
        await first.StopAsync();
        first.Run(TimeSpan.FromMinutes(20));
        await using var second = await InProcessBmc.StartAsync(first.Sim, first.StateDirectory);
        var again = await second.IpmitoolAsync("chassis", "poh");
        Assert.Contains("POH Counter  : 0 days, 2 hours, 2 minutes", again.StdOut);
        Assert.InRange(second.Host.PowerOnHours.Total, TimeSpan.FromMinutes(121), TimeSpan.FromMinutes(123));
    }

    [Fact]
    public async Task Channel_setaccess_takes_link_authentication_and_ipmi_messaging()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set = await bmc.IpmitoolAsync("channel", "setaccess", "1", "3", "link=on", "ipmi=on", "privilege=3");
        Assert.True(set.ExitCode == 0, set.ToString());
        var get = await bmc.IpmitoolAsync("channel", "getaccess", "1", "3");
        Assert.Matches(@"Link Authentication\s+: enabled", get.StdOut);
        Assert.Matches(@"IPMI Messaging\s+: enabled", get.StdOut);
        Assert.Matches(@"Privilege Level\s+: OPERATOR", get.StdOut);

        // ipmitool 1.8.19 sends the bits it read back unchanged for link=off / ipmi=off; FreeIPMI clears them.
        var off = await bmc.FreeIpmiAsync("bmc-config", "--commit", "--key-pair=User3:Lan_Enable_Link_Auth=No", "--key-pair=User3:Lan_Enable_IPMI_Msgs=No");
        Assert.True(off.ExitCode == 0, off.ToString());
        get = await bmc.IpmitoolAsync("channel", "getaccess", "1", "3");
        Assert.Matches(@"Link Authentication\s+: disabled", get.StdOut);
        Assert.Matches(@"IPMI Messaging\s+: disabled", get.StdOut);
        Assert.False(bmc.Host.Accounts.Get(3)!.IpmiEnabled);

        // Callback-only restriction does not exist here: refused, nothing changed.
        var callin = await bmc.IpmitoolAsync("raw", "0x06", "0x43", "0xd1", "0x03", "0x03", "0x00");
        Assert.Contains("rsp=0xcc", callin.StdErr);
        Assert.False(bmc.Host.Accounts.Get(3)!.IpmiEnabled);
    }
}
