using Appliance.Bmc.Chassis;
using Appliance.Bmc.Ipmi.Chassis;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The boot flag valid bit's 60-second timeout (boot option parameter 3, bit 3), on a simulated
/// clock: flags set with ipmitool chassis bootdev expire unless a Chassis Control command or a boot
/// follows, or parameter 3 says to keep them.
/// </summary>
public sealed class BootFlagTimeoutTests
{
    private static readonly BootOverride PxeOnce = new(BootSource.Pxe, BootOverrideEnabled.Once, BootMode.Legacy);

    [Fact]
    public async Task FlagsWithoutARestartLoseTheirValidBitAfter60Seconds()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var set = await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(BootFlagValidTimer.Timeout - TimeSpan.FromSeconds(1));
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
    public async Task EachChassisControlCommandStartsTheCountdownAgain()
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
    public async Task ABootWithinTheTimeoutKeepsPersistentFlags()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe", "options=persistent");
        bmc.Run(TimeSpan.FromSeconds(20));
        var on = await bmc.IpmitoolAsync("chassis", "power", "on");
        for (int i = 0; i < 120 && bmc.Sim.HostState != HostPowerState.Running; i++)
        {
            bmc.Run(TimeSpan.FromSeconds(1));
        }

        bool booted = bmc.Sim.HostState == HostPowerState.Running;
        bmc.Run(BootFlagValidTimer.Timeout * 2);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.True(booted, $"the host is {bmc.Sim.HostState}");
        Assert.Contains("- Boot Flag Valid", param.StdOut);
        Assert.Contains("- Options apply to all future boots", param.StdOut);
    }

    [Fact]
    public async Task Parameter3Bit3KeepsTheFlagsAndReadsBack()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var keep = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x08");
        var readBack = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "3");
        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(BootFlagValidTimer.Timeout * 3);
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "5");

        Assert.True(keep.ExitCode == 0, keep.ToString());
        Assert.Contains("Don't automatically clear boot flag valid bit on timeout", readBack.StdOut);
        Assert.Contains("- Boot Flag Valid", param.StdOut);
        Assert.Equal(PxeOnce, bmc.Host.Boot.Current);
    }

    [Fact]
    public async Task AnOverrideSetOutsideIpmiDoesNotExpire()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync("chassis", "bootdev", "pxe");
        bmc.Run(TimeSpan.FromSeconds(30));
        bmc.Host.Boot.Set(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Once, BootMode.Uefi)); // as Redfish sets it
        bmc.Run(BootFlagValidTimer.Timeout * 2);

        Assert.Equal(new BootOverride(BootSource.Hdd, BootOverrideEnabled.Once, BootMode.Uefi), bmc.Host.Boot.Current);
    }

    [Fact]
    public async Task ReservedBitsInParameter3AreRefused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("raw", "0x00", "0x08", "0x03", "0x28");
        var param = await bmc.IpmitoolAsync("chassis", "bootparam", "get", "3");

        Assert.Contains("rsp=0xcc", r.StdErr);
        Assert.Contains("Boot parameter data: 00", param.StdOut);
    }
}
