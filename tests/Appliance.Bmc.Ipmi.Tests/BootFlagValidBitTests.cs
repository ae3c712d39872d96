using Appliance.Bmc.Chassis;
using Appliance.Bmc.Ipmi.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// When the BMC clears the boot flag valid bit by itself (boot option parameter 3), on a simulated
/// clock: flags set with ipmitool chassis bootdev expire after 60 seconds unless a Chassis Control
/// command or a boot follows, and a restart by the power button or the watchdog clears them first;
/// parameter 3's bits keep them in each case.
/// </summary>
public sealed class BootFlagValidBitTests
{
    private static readonly BootOverride PxeOnce = new(BootSource.Pxe, BootOverrideEnabled.Once, BootMode.Legacy);

    [Fact]
    public async Task Flags_without_a_restart_lose_their_valid_bit_after_60_seconds()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var set = await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(BootFlagValidBit.Timeout - TimeSpan.FromSeconds(1));
        var justBefore = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");
        bmc.Run(TimeSpan.FromSeconds(2));
        var after = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("- Boot Flag Valid", justBefore.StdOut);
        Assert.Contains("- Boot Flag Invalid", after.StdOut);
        Assert.Contains("Boot parameter data: 0004000000", after.StdOut); // only the valid bit went
        Assert.Equal(BootOverrideEnabled.Disabled, bmc.Host.Boot.Current.Enabled);
    }

    [Fact]
    public async Task Each_chassis_control_command_starts_the_countdown_again()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(TimeSpan.FromSeconds(50));
        var diag = await bmc.IpmitoolAsync("chassis", "power", "diag"); // refused with the host off, but it is a Chassis Control command
        bmc.Run(TimeSpan.FromSeconds(55)); // 105 s after bootdev, 55 s after Chassis Control
        var stillValid = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");
        bmc.Run(TimeSpan.FromSeconds(6));
        var expired = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.Contains("Set Chassis Power Control to Diag failed", diag.All);
        Assert.Contains("- Boot Flag Valid", stillValid.StdOut);
        Assert.Contains("- Boot Flag Invalid", expired.StdOut);
    }

    [Fact]
    public async Task A_boot_within_the_timeout_keeps_persistent_flags()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe", "options=persistent");
        bmc.Run(TimeSpan.FromSeconds(20));
        var on = await bmc.IpmitoolAsync("chassis", "power", "on");
        bool booted = RunUntilRunning(bmc);
        bmc.Run(BootFlagValidBit.Timeout * 2);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.True(booted, $"the host is {bmc.Sim.HostState}");
        Assert.Contains("- Boot Flag Valid", param.StdOut);
        Assert.Contains("- Options apply to all future boots", param.StdOut);
    }

    [Fact]
    public async Task Parameter_3_bit_3_keeps_the_flags_and_reads_back()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var keep = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x08");
        var readBack = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "3");
        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(BootFlagValidBit.Timeout * 3);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(keep.ExitCode == 0, keep.ToString());
        Assert.Contains("Don't automatically clear boot flag valid bit on timeout", readBack.StdOut);
        Assert.Contains("- Boot Flag Valid", param.StdOut);
        Assert.Equal(PxeOnce, bmc.Host.Boot.Current);
    }

    [Theory]
    [InlineData(0x00, false)]
    [InlineData(0x01, true)] // don't clear on power up via the power button
    [InlineData(0x0E, false)] // every bit but that one
    public async Task A_power_button_start_clears_the_flags_unless_bit_0_keeps_them(int clearing, bool kept)
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var set3 = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", $"0x{clearing:x2}");
        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe", "options=persistent");
        bmc.Run(TimeSpan.FromSeconds(10));
        PressPowerButton(bmc);
        bool booted = RunUntilRunning(bmc);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(set3.ExitCode == 0, set3.ToString());
        Assert.True(booted, $"the host is {bmc.Sim.HostState}");
        Assert.Equal(RestartCause.PowerButton, bmc.Host.Power.LastRestartCause);
        Assert.Contains(kept ? "- Boot Flag Valid" : "- Boot Flag Invalid", param.StdOut);
        Assert.Contains("Force PXE", param.StdOut); // the device and the persistence stay, valid or not
        Assert.Contains("Options apply to all future boots", param.StdOut);
        Assert.Equal(kept ? BootOverrideEnabled.Continuous : BootOverrideEnabled.Disabled, bmc.Host.Boot.Current.Enabled);
    }

    [Theory]
    [InlineData(0x00, false)]
    [InlineData(0x04, true)] // don't clear on a watchdog reset
    public async Task A_watchdog_reset_clears_the_flags_unless_bit_2_keeps_them(int clearing, bool kept)
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", $"0x{clearing:x2}");
        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe", "options=persistent");

        // SMS/OS use, hard reset, 10 s.
        var watchdog = await bmc.IpmitoolAsync("raw", "0x06", "0x24", "0x04", "0x01", "0x00", "0x10", "0x64", "0x00");
        await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        bmc.Run(TimeSpan.FromSeconds(11));
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(watchdog.ExitCode == 0, watchdog.ToString());
        Assert.Equal(1, bmc.Sim.HostResetCount);
        Assert.Equal(RestartCause.Watchdog, bmc.Host.Power.LastRestartCause);
        Assert.Contains(kept ? "- Boot Flag Valid" : "- Boot Flag Invalid", param.StdOut);
    }

    [Fact]
    public async Task Flags_kept_past_the_timeout_are_still_cleared_by_a_power_button_start()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x08");
        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(BootFlagValidBit.Timeout * 2);
        var pastTimeout = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");
        PressPowerButton(bmc);
        bool booted = RunUntilRunning(bmc);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.Contains("- Boot Flag Valid", pastTimeout.StdOut);
        Assert.True(booted, $"the host is {bmc.Sim.HostState}");
        Assert.Contains("- Boot Flag Invalid", param.StdOut);
    }

    [Fact]
    public async Task An_override_set_outside_ipmi_does_not_expire()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(TimeSpan.FromSeconds(30));
        bmc.Host.Boot.Set(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Once, BootMode.Uefi)); // as Redfish sets it
        bmc.Run(BootFlagValidBit.Timeout * 2);

        Assert.Equal(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Once, BootMode.Uefi), bmc.Host.Boot.Current);
    }

    [Fact]
    public async Task A_redfish_override_survives_a_power_button_start()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());
        var redfish = new BootOverride(BootSource.Hdd, BootOverrideEnabled.Continuous, BootMode.Uefi);

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Host.Boot.Set(redfish); // as Redfish sets it
        PressPowerButton(bmc);
        bool booted = RunUntilRunning(bmc);

        Assert.True(booted, $"the host is {bmc.Sim.HostState}");
        Assert.Equal(redfish, bmc.Host.Boot.Current);
    }

    [Fact]
    public async Task Reserved_bits_in_parameter_3_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x28");
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "3");

        Assert.Contains("rsp=0xcc", r.StdErr);
        Assert.Contains("Boot parameter data: 00", param.StdOut);
    }

    // As the front panel passes a press of the power button through.
    private static void PressPowerButton(InProcessBmc bmc)
    {
        bmc.Host.Power.PanelPowerButton(true);
        bmc.Run(TimeSpan.FromMilliseconds(200));
        bmc.Host.Power.PanelPowerButton(false);
    }

    private static bool RunUntilRunning(InProcessBmc bmc)
    {
        for (int i = 0; i < 120 && bmc.Sim.HostState != HostPowerState.Running; i++)
        {
            bmc.Run(TimeSpan.FromSeconds(1));
        }

        return bmc.Sim.HostState == HostPowerState.Running;
    }
}
