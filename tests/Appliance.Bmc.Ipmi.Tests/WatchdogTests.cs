using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The host watchdog armed over IPMI (Set Watchdog Timer as host software sends it, ipmitool mc
/// watchdog get/reset/off) on a board in simulated time, so a 10-second countdown takes no time.
/// </summary>
public sealed class WatchdogTests
{
    // SMS/OS use, the given action and pre-timeout interrupt, clear the SMS/OS expiration flag, countdown in 100 ms.
    private static string[] Set(byte action, ushort countdown, byte preTimeoutInterrupt = 0, byte preTimeoutSeconds = 0) =>
        ["raw", "0x06", "0x24", "0x04", $"0x{(preTimeoutInterrupt << 4) | action:x2}", $"0x{preTimeoutSeconds:x2}", "0x10", $"0x{countdown & 0xFF:x2}", $"0x{countdown >> 8:x2}"];

    [Fact]
    public async Task Expiry_resets_the_host_logs_the_event_and_records_the_cause()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        var set = await bmc.IpmitoolAsync(Set(action: 1, countdown: 100));
        var armed = await bmc.IpmitoolAsync("mc", "watchdog", "get");
        var reset = await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        bmc.Run(TimeSpan.FromSeconds(9.5));
        var running = await bmc.IpmitoolAsync("mc", "watchdog", "get");
        Assert.Equal(0, bmc.Sim.HostResetCount);
        bmc.Run(TimeSpan.FromSeconds(1.5));
        var expired = await bmc.IpmitoolAsync("mc", "watchdog", "get");
        var sel = await bmc.IpmitoolAsync("sel", "elist");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Matches(@"Watchdog Timer Use:\s+SMS/OS \(0x04\)", armed.StdOut);
        Assert.Matches(@"Watchdog Timer Is:\s+Stopped", armed.StdOut);
        Assert.Matches(@"Watchdog Timer Action:\s+Hard Reset \(0x01\)", armed.StdOut);
        Assert.Matches(@"Initial Countdown:\s+10\.0 sec", armed.StdOut);
        Assert.Contains("countdown restarted", reset.StdOut);
        Assert.Matches(@"Watchdog Timer Is:\s+Started/Running", running.StdOut);
        Assert.Matches(@"Present Countdown:\s+0\.5 sec", running.StdOut);
        Assert.Equal(1, bmc.Sim.HostResetCount);
        Assert.NotEqual(HostPowerState.Off, bmc.Sim.HostState);
        Assert.Equal(RestartCause.Watchdog, bmc.Host.Power.LastRestartCause);
        Assert.Matches(@"Watchdog Timer Is:\s+Stopped", expired.StdOut);
        Assert.Matches(@"Timer Expiration Flags:\s+\(0x10\)\s+\* SMS/OS", expired.StdOut);
        Assert.Matches(@"Watchdog2 Watchdog \| Hard reset \| Asserted", sel.StdOut);
    }

    [Fact]
    public async Task Power_down_action_turns_the_host_off()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync(Set(action: 2, countdown: 50));
        await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        bmc.Run(TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(5)); // countdown, then the power button's override hold

        Assert.Equal(HostPowerState.Off, bmc.Sim.HostState);
        SelRecord expiry = bmc.Host.Sel.Entries().Select(e => e.Record).Single(r => r.SensorNumber == BuiltInSensors.Watchdog);
        Assert.Equal(0x02, expiry.Offset); // power down
        Assert.Equal(0x04, expiry.EventData2 & 0x0F); // timer use at expiry: SMS/OS
    }

    [Fact]
    public async Task Resetting_in_time_keeps_the_host_running()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync(Set(action: 1, countdown: 30));
        for (int i = 0; i < 5; i++)
        {
            await bmc.IpmitoolAsync("mc", "watchdog", "reset");
            bmc.Run(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(0, bmc.Sim.HostResetCount);
        Assert.DoesNotContain(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.Watchdog);
        var off = await bmc.IpmitoolAsync("mc", "watchdog", "off");
        bmc.Run(TimeSpan.FromSeconds(10));
        Assert.Contains("timer stopped", off.StdOut);
        Assert.Equal(0, bmc.Sim.HostResetCount);
    }

    [Fact]
    public async Task Pre_timeout_nmi_comes_before_the_expiry()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync(Set(action: 1, countdown: 100, preTimeoutInterrupt: 2, preTimeoutSeconds: 3));
        await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        bmc.Run(TimeSpan.FromSeconds(7.5));
        Assert.Equal(1, bmc.Sim.HostNmiCount);
        Assert.Equal(0, bmc.Sim.HostResetCount);
        bmc.Run(TimeSpan.FromSeconds(3));

        Assert.Equal(1, bmc.Sim.HostResetCount);
        byte[] offsets = bmc.Host.Sel.Entries().Select(e => e.Record).Where(r => r.SensorNumber == BuiltInSensors.Watchdog).Select(r => r.Offset).ToArray();
        Assert.Equal([(byte)0x08, (byte)0x01], offsets); // timer interrupt, then hard reset
    }

    [Fact]
    public async Task The_watchdog_stops_when_the_host_powers_off()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());

        await bmc.IpmitoolAsync(Set(action: 3, countdown: 100));
        await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        await bmc.IpmitoolAsync("chassis", "power", "off");
        bmc.Run(TimeSpan.FromSeconds(5));
        await Wait.UntilAsync(() => !bmc.Host.Watchdog.Running, "the power-off to reach the watchdog");
        bmc.Run(TimeSpan.FromSeconds(20));

        Assert.Equal(HostPowerState.Off, bmc.Sim.HostState);
        Assert.DoesNotContain(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.Watchdog);
    }

    [Fact]
    public async Task Bad_settings_are_refused_and_an_unset_watchdog_cannot_start()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());

        var reset = await bmc.IpmitoolAsync("mc", "watchdog", "reset");
        var preTimeoutTooLong = await bmc.IpmitoolAsync(Set(action: 1, countdown: 20, preTimeoutInterrupt: 2, preTimeoutSeconds: 5));
        var badUse = await bmc.IpmitoolAsync("raw", "0x06", "0x24", "0x07", "0x01", "0x00", "0x00", "0x64", "0x00");

        Assert.Contains("Attempt to reset uninitialized watchdog", reset.StdErr);
        Assert.Contains("rsp=0xcc", preTimeoutTooLong.StdErr);
        Assert.Contains("rsp=0xcc", badUse.StdErr);
        Assert.Null(bmc.Host.Watchdog.Settings);
    }
}
