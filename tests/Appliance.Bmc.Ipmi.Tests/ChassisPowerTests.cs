using System.Collections.Concurrent;
using System.Device.Gpio;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Hw.Sim.Physics;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>chassis power on/off/cycle/reset/soft/diag and chassis status, against what the simulated host does.</summary>
public sealed class ChassisPowerTests
{
    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    [InlineData(null)]
    public async Task Power_on_boots_the_host_and_chassis_status_follows_power_good(int? suite)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var before = await bmc.IpmitoolAsync(suite, "chassis", "status");
        var on = await bmc.IpmitoolAsync(suite, "chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Running, "the host to boot");
        var after = await bmc.IpmitoolAsync(suite, "chassis", "status");
        var power = await bmc.IpmitoolAsync(suite, "chassis", "power", "status");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Matches(@"System Power\s+: off", before.StdOut);
        Assert.True(on.ExitCode == 0, on.ToString());
        Assert.Contains("Chassis Power Control: Up/On", on.StdOut);
        Assert.Equal(1, bmc.Sim.HostBootCount);
        Assert.Matches(@"System Power\s+: on", after.StdOut);
        Assert.Matches(@"Last Power Event\s+: command", after.StdOut);
        Assert.Contains("Chassis Power is on", power.StdOut);
        Assert.Equal(RestartCause.ChassisControl, bmc.Host.Power.LastRestartCause);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Power_off_holds_the_power_button_until_the_host_is_off()
    {
        // Simulated time: the press and its release are stamped exactly, however busy the machine is.
        FakeTimeProvider time = InProcessBmc.SimulatedTime();
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: time);
        var presses = new ConcurrentQueue<(bool Asserted, DateTimeOffset At, HostPowerState Host)>();
        GpioLineDescription powerOut = bmc.Sim.Description.Line(LineNames.PowerOut);
        using var watcher = new GpioController(bmc.Sim.Platform.CreateGpioDriver());
        watcher.OpenPin(powerOut.Offset!.Value, PinMode.Input);
        watcher.RegisterCallbackForPinValueChangedEvent(powerOut.Offset.Value, PinEventTypes.Rising | PinEventTypes.Falling,
            (_, e) => presses.Enqueue((powerOut.IsAssertedAfter(e.ChangeType), time.GetUtcNow(), bmc.Sim.HostState)));
        DateTimeOffset asked = time.GetUtcNow();

        var off = await bmc.IpmitoolAsync("chassis", "power", "off");
        bmc.Run(TimeSpan.FromMilliseconds(bmc.Sim.Description.PowerTiming.ForceOffPulseMs + 1000));
        var status = await bmc.IpmitoolAsync("chassis", "power", "status");

        Assert.Contains("Chassis Power Control: Down/Off", off.StdOut);
        Assert.Contains("Chassis Power is off", status.StdOut);
        Assert.Equal(HostPowerState.Off, bmc.Sim.HostState);
        // One press, held from the request while the host ran, and let go when the chipset's
        // override had cut the power: not before (the host would stay on), not after.
        var press = presses.ToArray();
        Assert.Equal(2, press.Length);
        Assert.Equal((true, asked, HostPowerState.Running), press[0]);
        Assert.Equal((false, asked + TimeSpan.FromMilliseconds(bmc.Sim.Description.Simulation.ForceOffHoldMs), HostPowerState.Off), press[1]);
        Assert.Equal(0, bmc.Sim.HostAcpiShutdownCount); // forced, not asked
        Assert.Contains(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.PowerUnit && !e.Record.IsDeassertion);
    }

    [Fact]
    public async Task Soft_shutdown_asks_the_operating_system()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);

        var soft = await bmc.IpmitoolAsync("chassis", "power", "soft");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Off, "the host to shut down");

        Assert.Contains("Chassis Power Control: Soft", soft.StdOut);
        Assert.Equal(1, bmc.Sim.HostAcpiShutdownCount);
    }

    [Fact]
    public async Task Power_cycle_turns_the_host_off_and_back_on()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);
        int boots = bmc.Sim.HostBootCount;

        var cycle = await bmc.IpmitoolAsync("chassis", "power", "cycle");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Off, "the host to go off");
        await Wait.UntilAsync(() => bmc.Sim.HostBootCount == boots + 1, "the host to boot again", seconds: 20);

        Assert.Contains("Chassis Power Control: Cycle", cycle.StdOut);
        Assert.Contains(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.PowerUnit && e.Record.Offset == BuiltInSensors.PowerCycleOffset);
    }

    [Fact]
    public async Task Hard_reset_and_diagnostic_interrupt_pulse_their_lines()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);

        var reset = await bmc.IpmitoolAsync("chassis", "power", "reset");
        await Wait.UntilAsync(() => bmc.Sim.HostResetCount == 1, "the host to see the reset");
        await Wait.UntilAsync(() => !bmc.Host.Power.Busy, "the reset pulse to end");
        var diag = await bmc.IpmitoolAsync("chassis", "power", "diag");
        await Wait.UntilAsync(() => bmc.Sim.HostNmiCount == 1, "the host to see the NMI");

        Assert.Contains("Chassis Power Control: Reset", reset.StdOut);
        Assert.Contains("Chassis Power Control: Diag", diag.StdOut);
        Assert.NotEqual(HostPowerState.Off, bmc.Sim.HostState); // reset, not powered off
        Assert.Equal(1, bmc.Sim.HostBootCount);
    }

    [Fact]
    public async Task Reset_or_cycle_while_off_is_not_supported_in_the_present_state()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var reset = await bmc.IpmitoolAsync("chassis", "power", "reset");
        var cycle = await bmc.IpmitoolAsync("chassis", "power", "cycle");

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains("Command not supported in present state", reset.StdErr);
        Assert.Contains("Command not supported in present state", cycle.StdErr);
        Assert.Equal(0, bmc.Sim.HostBootCount);
        Assert.False(bmc.Host.Power.Busy);
    }

    [Fact]
    public async Task Operators_may_control_power_but_read_only_users_may_not()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var viewer = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER", "chassis", "power", "on");
        var viewerStatus = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER", "chassis", "status");
        var oper = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, 17, "-L", "OPERATOR", "chassis", "power", "on");

        Assert.Contains("Insufficient privilege level", viewer.StdErr);
        Assert.True(viewerStatus.ExitCode == 0, viewerStatus.ToString());
        Assert.True(oper.ExitCode == 0, oper.ToString());
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Running, "the operator's power-on");
        Assert.Equal(1, bmc.Sim.HostBootCount);
    }

    [Fact]
    public async Task Ipmipower_reads_and_switches_power()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var before = await bmc.FreeIpmiAsync("ipmipower", "--stat");
        var on = await bmc.FreeIpmiAsync("ipmipower", "--on");
        await Wait.UntilAsync(() => bmc.Sim.HostState != HostPowerState.Off, "ipmipower's power-on");
        var during = await bmc.FreeIpmiAsync("ipmipower", "--stat");
        var off = await bmc.FreeIpmiAsync("ipmipower", "--off");
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Off, "ipmipower's power-off");
        var after = await bmc.FreeIpmiAsync("ipmipower", "--stat");

        Assert.Equal("127.0.0.1: off", before.StdOut.Trim());
        Assert.Equal("127.0.0.1: ok", on.StdOut.Trim());
        Assert.Equal("127.0.0.1: on", during.StdOut.Trim());
        Assert.Equal("127.0.0.1: ok", off.StdOut.Trim());
        Assert.Equal("127.0.0.1: off", after.StdOut.Trim());
        Assert.Equal(1, bmc.Sim.HostBootCount);
    }

    [Fact]
    public async Task Ipmi_chassis_shows_the_chassis_status()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);
        bmc.Sim.SetInput(LineNames.ChassisIntrusion, true);

        var r = await bmc.FreeIpmiAsync("ipmi-chassis", "--get-chassis-status");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"System Power\s+: on", r.StdOut);
        Assert.Matches(@"Power restore policy\s+: Always off", r.StdOut);
        Assert.Matches(@"Chassis intrusion\s+: active", r.StdOut);
        Assert.Matches(@"Cooling/fan fault\s+: false", r.StdOut);
        Assert.Matches(@"Chassis Identify state\s+: off", r.StdOut);
    }

    [Fact]
    public async Task The_projects_own_client_switches_power_as_the_cluster_will()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var client = bmc.Client(InProcessBmc.OperatorUser, InProcessBmc.OperatorPassword, privilege: PrivilegeLevel.Operator);

        Assert.False((await client.GetChassisStatusAsync()).PowerOn);
        await client.ChassisControlAsync(ChassisControl.PowerUp);
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Running, "the host to boot");
        Assert.True((await client.GetChassisStatusAsync()).PowerOn);

        await client.ChassisControlAsync(ChassisControl.SoftShutdown);
        await Wait.UntilAsync(() => bmc.Sim.HostState == HostPowerState.Off, "the host to shut down");
        Assert.False((await client.GetChassisStatusAsync()).PowerOn);
        Assert.Equal(1, bmc.Sim.HostAcpiShutdownCount);
        Assert.True((await client.PingAsync()).IpmiSupported);
    }

    [Fact]
    public async Task A_repeated_cycle_on_one_session_while_the_first_runs_is_the_same_request()
    {
        // FreeIPMI's ipmipower retransmits with a new sequence number; the BMC must not cycle twice.
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true);
        int boots = bmc.Sim.HostBootCount;
        await using var session = await bmc.Client().OpenSessionAsync();

        await session.ChassisControlAsync(ChassisControl.PowerCycle);
        await session.ChassisControlAsync(ChassisControl.PowerCycle);
        await Wait.UntilAsync(() => bmc.Sim.HostBootCount == boots + 1, "the host to boot again", seconds: 20);
        await Wait.UntilAsync(() => !bmc.Host.Power.Busy, "the power state machine to go idle", seconds: 20);

        Assert.Equal(boots + 1, bmc.Sim.HostBootCount);
        Assert.Single(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.PowerUnit && e.Record.Offset == BuiltInSensors.PowerCycleOffset);
    }
}
