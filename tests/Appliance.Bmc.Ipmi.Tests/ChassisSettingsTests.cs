using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>chassis identify, bootdev, policy and restart cause: what they change on the BMC and the board.</summary>
public sealed class ChassisSettingsTests
{
    [Fact]
    public async Task Identify_turns_the_id_led_on_for_a_while_or_until_turned_off()
    {
        // Simulated time: the timed identify lasts its two seconds however long the clients take to look.
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var timed = await bmc.IpmitoolAsync("chassis", "identify", "2");
        bool litAtOnce = bmc.Sim.IsAsserted(LineNames.IdLed);
        var timedState = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");
        bmc.Run(TimeSpan.FromMilliseconds(1900));
        bool litBeforeTheEnd = bmc.Sim.IsAsserted(LineNames.IdLed);
        bmc.Run(TimeSpan.FromMilliseconds(200));
        bool litAfterTheEnd = bmc.Sim.IsAsserted(LineNames.IdLed);
        var forced = await bmc.IpmitoolAsync("chassis", "identify", "force");
        bmc.Run(TimeSpan.FromSeconds(30)); // far past any timed identify
        var forcedState = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");
        bool litForced = bmc.Sim.IsAsserted(LineNames.IdLed);
        var off = await bmc.IpmitoolAsync("chassis", "identify", "0");

        Assert.Contains("Chassis identify interval: 2 seconds", timed.StdOut);
        Assert.True(litAtOnce);
        Assert.Matches(@"Chassis Identify state\s+: Timed on", timedState.StdOut);
        Assert.True(litBeforeTheEnd);
        Assert.False(litAfterTheEnd);
        Assert.Contains("Chassis identify interval: indefinite", forced.StdOut);
        Assert.True(litForced);
        Assert.Matches(@"Chassis Identify state\s+: Indefinite on", forcedState.StdOut);
        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.False(bmc.Sim.IsAsserted(LineNames.IdLed));
    }

    [Fact]
    public async Task Bootdev_pxe_sets_a_one_time_override_that_the_next_boot_uses()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set = await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        BootOverride afterSet = bmc.Host.Boot.Current;
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");
        await bmc.IpmitoolAsync("chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Running, "the host to finish POST");
        await Wait.UntilAsync(() => bmc.Host.Boot.Current.Enabled == BootOverrideEnabled.Disabled, "the override to be used up");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Set Boot Device to pxe", set.StdOut);
        Assert.Equal(new BootOverride(BootSource.Pxe, BootOverrideEnabled.Once, BootMode.Legacy), afterSet);
        Assert.Contains("Boot Flag Valid", param.StdOut);
        Assert.Contains("Options apply to only next boot", param.StdOut);
        Assert.Contains("Boot Device Selector : Force PXE", param.StdOut);
    }

    [Theory]
    [InlineData("disk", BootSource.Hdd)]
    [InlineData("cdrom", BootSource.Cd)]
    [InlineData("bios", BootSource.BiosSetup)]
    public async Task Bootdev_persistent_efi_overrides_stay_after_booting(string device, BootSource target)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set = await bmc.IpmitoolAsync("chassis", "bootdev", device, "options=persistent,efiboot");
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Equal(new BootOverride(target, BootOverrideEnabled.Continuous, BootMode.Uefi), bmc.Host.Boot.Current);
        Assert.Contains("Options apply to all future boots", param.StdOut);
        Assert.Contains("BIOS EFI boot", param.StdOut);
    }

    [Fact]
    public async Task Boot_flags_written_without_the_valid_bit_are_kept_but_not_in_force()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);

        // Persistent, EFI, force PXE; valid bit clear.
        var set = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x05", "0x60", "0x04", "0x00", "0x00", "0x00");
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");
        var reboot = await bmc.IpmitoolAsync("chassis", "power", "reset");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Running, "the host to finish POST");
        var afterBoot = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Contains("Boot parameter data: 6004000000", param.StdOut);
        Assert.Contains("Boot Flag Invalid", param.StdOut);
        Assert.Contains("Options apply to all future boots", param.StdOut);
        Assert.Contains("Boot Device Selector : Force PXE", param.StdOut);
        Assert.True(reboot.ExitCode == 0, reboot.ToString());
        Assert.Equal(BootOverrideEnabled.Disabled, bmc.Host.Boot.Current.Enabled);
        Assert.Contains("Boot parameter data: 6004000000", afterBoot.StdOut);
    }

    [Fact]
    public async Task Boot_flags_the_host_firmware_cannot_honour_are_refused_and_change_nothing()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.IpmitoolAsync("chassis", "bootdev", "disk", "options=persistent");

        // Force PXE with "clear CMOS" (data 2 bit 7).
        var r = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x05", "0xc0", "0x84", "0x00", "0x00", "0x00");

        Assert.Contains("rsp=0xcc", r.StdErr);
        Assert.Equal(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Continuous, BootMode.Legacy), bmc.Host.Boot.Current);
    }

    [Fact]
    public async Task Raw_boot_options_as_ironic_sends_them_set_a_persistent_efi_pxe_override()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        // Ironic's sequence: keep the valid bit from timing out, then persistent EFI PXE.
        var clearing = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x08");
        var flags = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x05", "0xe0", "0x04", "0x00", "0x00", "0x00");
        var readBack = await bmc.IpmitoolAsync("raw", "0x00", "0x09", "0x05", "0x00", "0x00");

        Assert.True(clearing.ExitCode == 0, clearing.ToString());
        Assert.True(flags.ExitCode == 0, flags.ToString());
        Assert.Equal(new BootOverride(BootSource.Pxe, BootOverrideEnabled.Continuous, BootMode.Uefi), bmc.Host.Boot.Current);
        Assert.Equal("01 05 e0 04 00 00 00", readBack.StdOut.Trim());
    }

    [Fact]
    public async Task Front_panel_enables_disable_the_power_button_and_show_as_lockout()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var before = await bmc.IpmitoolAsync("chassis", "status");
        var disable = await bmc.IpmitoolAsync("raw", "0x00", "0x0a", "0x01");
        var after = await bmc.IpmitoolAsync("chassis", "status");
        var freeipmi = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");
        var absentButton = await bmc.IpmitoolAsync("raw", "0x00", "0x0a", "0x08");

        Assert.Matches(@"Front-Panel Lockout\s+: inactive", before.StdOut);
        Assert.True(disable.ExitCode == 0, disable.ToString());
        Assert.False(bmc.Host.FrontPanelPolicy.IsEnabled(Bmc.Chassis.FrontPanelButtons.PowerOff));
        Assert.Matches(@"Front-Panel Lockout\s+: active", after.StdOut);
        Assert.Matches(@"Power Button Disabled: true", after.StdOut);
        Assert.Matches(@"Reset Button Disabled: false", after.StdOut);
        Assert.Matches(@"Power off button\s+: disabled", freeipmi.StdOut);
        Assert.Matches(@"Reset button\s+: enabled", freeipmi.StdOut);
        Assert.Matches(@"Reset button disable\s+: allowed", freeipmi.StdOut);
        Assert.Matches(@"Standby button disable\s+: unallowed", freeipmi.StdOut);
        Assert.Contains("rsp=0xcc", absentButton.StdErr); // hc1 has no standby button
        Assert.False(bmc.Host.FrontPanelPolicy.IsEnabled(Bmc.Chassis.FrontPanelButtons.PowerOff));
    }

    [Fact]
    public async Task Power_restore_policy_is_stored_and_shown()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var list = await bmc.IpmitoolAsync("chassis", "policy", "list");
        var set = await bmc.IpmitoolAsync("chassis", "policy", "always-on");
        var status = await bmc.IpmitoolAsync("chassis", "status");

        Assert.Contains("Supported chassis power policy:  always-off always-on previous", list.StdOut);
        Assert.Contains("Set chassis power restore policy to always-on", set.StdOut);
        Assert.Equal(PowerRestorePolicy.AlwaysOn, bmc.Host.Power.RestorePolicy);
        Assert.Matches(@"Power Restore Policy\s+: always-on", status.StdOut);
    }

    [Fact]
    public async Task Restart_cause_names_the_chassis_control_command()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var unknown = await bmc.IpmitoolAsync("chassis", "restart_cause");
        await bmc.IpmitoolAsync("chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Host.Power.IsPoweredOn, "power on");
        var command = await bmc.IpmitoolAsync("chassis", "restart_cause");

        Assert.Contains("System restart cause: unknown", unknown.StdOut);
        Assert.Contains("System restart cause: chassis power control command", command.StdOut);
    }
}
