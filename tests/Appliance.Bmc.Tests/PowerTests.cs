using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Hw;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Tests;

public sealed class PowerTests : HostOffTests
{
    [Fact]
    public void Power_on_pulses_the_button_for_the_board_pulse_time_and_waits_for_power_good()
    {
        PowerRequestResult request = Power.Request(PowerAction.On);
        Assert.Equal(PowerRequestOutcome.Accepted, request.Outcome);
        Assert.Equal(PowerState.TransitionToOn, Power.State);
        Assert.True(Rig.Sim.IsAsserted(LineNames.PowerOut));

        Rig.Time.Advance(TimeSpan.FromMilliseconds(119));
        Assert.Equal(PowerState.TransitionToOn, Power.State);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(PowerState.On, Power.State);
        Assert.True(request.Completion.IsCompletedSuccessfully && request.Completion.Result.Succeeded);

        Rig.Time.Advance(TimeSpan.FromMilliseconds(79));
        Assert.True(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));

        Rig.Run(TimeSpan.FromSeconds(3));
        Assert.Equal(HostPowerState.Running, Rig.Sim.HostState);
        Assert.Equal(RestartCause.ChassisControl, Power.LastRestartCause);
        SelRecord last = Bmc.Host.Sel.Entries()[^1].Record;
        Assert.Equal((BuiltInSensors.PowerUnit, BuiltInSensors.PowerOffOffset, true), (last.SensorNumber, last.Offset, last.IsDeassertion));
    }

    [Fact]
    public void Graceful_shutdown_presses_briefly_and_the_host_powers_itself_off()
    {
        PowerOn();
        PowerRequestResult request = Power.Request(PowerAction.GracefulShutdown);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.Equal(PowerState.GracefulTransitionToOff, Power.State);

        PowerResult result = Rig.RunUntil(request.Completion, TimeSpan.FromSeconds(10));
        Assert.True(result.Succeeded);
        Assert.Equal(PowerState.Off, Power.State);
        Assert.Equal(1, Rig.Sim.HostAcpiShutdownCount);
        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
    }

    [Fact]
    public void Graceful_shutdown_is_forced_after_the_graceful_timeout()
    {
        PowerOn();
        Rig.Sim.Faults.HostIgnoresAcpi = true;
        PowerRequestResult request = Power.Request(PowerAction.GracefulShutdown);

        Rig.Run(TimeSpan.FromSeconds(300) - TimeSpan.FromMilliseconds(50));
        Assert.Equal(PowerState.GracefulTransitionToOff, Power.State);
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Rig.Run(TimeSpan.FromMilliseconds(50));
        Assert.Equal(PowerState.TransitionToOff, Power.State);
        Assert.True(Rig.Sim.IsAsserted(LineNames.PowerOut));

        PowerResult result = Rig.RunUntil(request.Completion, TimeSpan.FromSeconds(15));
        Assert.True(result.Succeeded);
        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));
    }

    [Fact]
    public void Force_off_holds_the_button_until_power_good_drops()
    {
        PowerOn();
        PowerRequestResult request = Power.Request(PowerAction.ForceOff);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.True(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.Equal(PowerState.TransitionToOff, Power.State);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(PowerState.Off, Power.State);
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.True(request.Completion.Result.Succeeded);
        Assert.Equal(0, Rig.Sim.HostAcpiShutdownCount);
    }

    [Fact]
    public void Power_cycle_stays_off_for_the_cycle_time_then_powers_on()
    {
        PowerOn();
        int boots = Rig.Sim.HostBootCount;
        PowerRequestResult request = Power.Request(PowerAction.PowerCycle);
        Rig.Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(PowerState.CycleOff, Power.State);
        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);

        Rig.Time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Rig.Sim.IsAsserted(LineNames.PowerOut));
        Assert.Equal(PowerState.TransitionToOn, Power.State);

        Assert.True(Rig.RunUntil(request.Completion, TimeSpan.FromSeconds(1)).Succeeded);
        Assert.Equal(boots + 1, Rig.Sim.HostBootCount);
        Assert.Contains(Bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == BuiltInSensors.PowerUnit && e.Record.Offset == BuiltInSensors.PowerCycleOffset);
    }

    [Fact]
    public void Hard_reset_pulses_reset_for_the_board_time_and_nmi_reaches_the_host()
    {
        PowerOn();
        PowerRequestResult reset = Power.Request(PowerAction.HardReset);
        Assert.True(Rig.Sim.IsAsserted(LineNames.ResetOut));
        Rig.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.True(Rig.Sim.IsAsserted(LineNames.ResetOut));
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(Rig.Sim.IsAsserted(LineNames.ResetOut));
        Assert.True(reset.Completion.Result.Succeeded);
        Assert.Equal(1, Rig.Sim.HostResetCount);
        Assert.Equal(PowerState.On, Power.State);

        PowerRequestResult nmi = Power.Request(PowerAction.Nmi);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(nmi.Completion.Result.Succeeded);
        Assert.Equal(1, Rig.Sim.HostNmiCount);
    }

    [Theory]
    [InlineData(PowerAction.HardReset)]
    [InlineData(PowerAction.PowerCycle)]
    [InlineData(PowerAction.Nmi)]
    [InlineData(PowerAction.GracefulRestart)]
    public void Actions_that_need_a_running_host_are_refused_while_off(PowerAction action)
    {
        PowerRequestResult request = Power.Request(action);
        Assert.Equal(PowerRequestOutcome.NotInThisState, request.Outcome);
        Assert.False(Rig.Sim.IsAsserted(LineNames.ResetOut) || Rig.Sim.IsAsserted(LineNames.PowerOut) || Rig.Sim.IsAsserted(LineNames.NmiOut));
    }

    [Fact]
    public void Power_on_without_power_good_returns_to_off_and_logs_the_failure()
    {
        Rig.Sim.Faults.PsPowerOkNeverAsserts = true;
        PowerRequestResult request = Power.Request(PowerAction.On);

        Rig.Time.Advance(TimeSpan.FromMilliseconds(7999));
        Assert.Equal(PowerState.TransitionToOn, Power.State);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(PowerState.Off, Power.State);
        PowerResult result = request.Completion.Result;
        Assert.False(result.Succeeded);
        Assert.Contains(LineNames.PsPowerOk, result.Failure);
        SelRecord failure = Assert.Single(Bmc.Host.Sel.Entries()).Record;
        Assert.Equal(BuiltInSensors.PowerUnit, failure.SensorNumber);
        Assert.Equal(BuiltInSensors.SoftPowerControlFailureOffset, failure.Offset);
        Assert.False(failure.IsDeassertion);
    }

    [Fact]
    public void Concurrent_requests_run_one_after_another_and_each_gets_its_answer()
    {
        PowerRequestResult on1 = Power.Request(PowerAction.On);
        PowerRequestResult on2 = Power.Request(PowerAction.On);
        PowerRequestResult reset = Power.Request(PowerAction.HardReset);
        PowerRequestResult off = Power.Request(PowerAction.ForceOff);
        Assert.All(new[] { on1, on2, reset, off }, r => Assert.Equal(PowerRequestOutcome.Accepted, r.Outcome));

        Assert.True(Rig.RunUntil(off.Completion, TimeSpan.FromSeconds(20)).Succeeded);
        Assert.True(on1.Completion.Result.Succeeded && on2.Completion.Result.Succeeded && reset.Completion.Result.Succeeded);
        Assert.Equal(1, Rig.Sim.HostBootCount);
        Assert.Equal(1, Rig.Sim.HostResetCount);
        Assert.Equal(PowerState.Off, Power.State);

        // Ordered after the queued power-off, a reset would find the host off.
        Power.Request(PowerAction.On);
        Power.Request(PowerAction.ForceOff);
        Assert.Equal(PowerRequestOutcome.NotInThisState, Power.Request(PowerAction.HardReset).Outcome);
    }

    [Fact]
    public void A_bmc_restart_reads_the_state_back_and_leaves_a_running_host_alone()
    {
        PowerOn();
        Rig.Run(TimeSpan.FromSeconds(10));
        int boots = Rig.Sim.HostBootCount;
        int entries = Bmc.Host.Sel.Count;
        Bmc.Host.Power.RestorePolicy = PowerRestorePolicy.AlwaysOff;

        Bmc.Dispose();
        Rig.Run(TimeSpan.FromSeconds(5));
        Bmc = Rig.StartBmc(acPowerRestored: false);
        Rig.Run(TimeSpan.FromSeconds(10));

        Assert.Equal(PowerState.On, Bmc.Host.Power.State);
        Assert.Equal(HostPowerState.Running, Rig.Sim.HostState);
        Assert.Equal(boots, Rig.Sim.HostBootCount);
        Assert.Equal(0, Rig.Sim.HostAcpiShutdownCount);
        Assert.Equal(entries, Bmc.Host.Sel.Count);
    }

    [Theory]
    [InlineData(PowerRestorePolicy.AlwaysOn, false, true)]
    [InlineData(PowerRestorePolicy.AlwaysOff, true, false)]
    [InlineData(PowerRestorePolicy.LastState, true, true)]
    [InlineData(PowerRestorePolicy.LastState, false, false)]
    public void The_restore_policy_decides_after_ac_power_returns(PowerRestorePolicy policy, bool onBeforeAcLoss, bool expectOn)
    {
        Bmc.Host.Power.RestorePolicy = policy;
        if (onBeforeAcLoss)
        {
            PowerOn();
        }

        Bmc.Dispose();
        Rig.CycleAcPower();
        Bmc = Rig.StartBmc(acPowerRestored: true);
        Rig.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(expectOn ? HostPowerState.Running : HostPowerState.Off, Rig.Sim.HostState);
        Assert.Equal(expectOn ? PowerState.On : PowerState.Off, Bmc.Host.Power.State);
        if (expectOn)
        {
            Assert.Equal(policy == PowerRestorePolicy.AlwaysOn ? RestartCause.AlwaysRestorePolicy : RestartCause.PreviousStateRestorePolicy,
                Bmc.Host.Power.LastRestartCause);
        }
    }

    [Fact]
    public void A_bmc_restart_is_not_an_ac_power_return()
    {
        Bmc.Host.Power.RestorePolicy = PowerRestorePolicy.AlwaysOn;
        Bmc.Dispose();
        Bmc = Rig.StartBmc(acPowerRestored: false);
        Rig.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
    }

    [Fact]
    public void A_host_that_powers_itself_off_is_noticed()
    {
        PowerOn();
        Rig.Sim.Faults.HostIgnoresAcpi = false;
        Rig.Sim.SetInput(LineNames.PowerButton, true); // the panel button is the BMC's input; nothing passes it through here
        Bmc.Host.Power.PanelPowerButton(true);
        Rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        Bmc.Host.Power.PanelPowerButton(false);
        Rig.Run(TimeSpan.FromSeconds(5));

        Assert.Equal(PowerState.Off, Bmc.Host.Power.State);
        Assert.Equal(PowerState.Off, Bmc.Host.Power.LastStableState);
    }
}

public sealed class PowerRestartTests : IDisposable
{
    private readonly BoardRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_bmc_that_died_holding_the_power_button_has_it_released_by_the_next_one()
    {
        SimulatedBmc first = _rig.StartBmc(acPowerRestored: false);
        Assert.True(_rig.RunUntil(first.Host.Power.Request(Power.PowerAction.On).Completion, TimeSpan.FromSeconds(9)).Succeeded);
        _rig.Run(TimeSpan.FromSeconds(5));

        // A BMC that dies mid-press leaves POWER_OUT driven; nothing releases it but the next BMC.
        // (The host here ignores ACPI presses, so only a held button could turn it off.)
        _rig.Sim.Faults.HostIgnoresAcpi = true;
        first.Dispose();
        using (var leftover = new Hw.Board(_rig.Description, _rig.Sim.Platform))
        {
            leftover.Lines.Set(LineNames.PowerOut, true);
        }

        Assert.True(_rig.Sim.IsAsserted(LineNames.PowerOut));
        using SimulatedBmc second = _rig.StartBmc(acPowerRestored: false);
        Assert.False(_rig.Sim.IsAsserted(LineNames.PowerOut));
        _rig.Run(TimeSpan.FromSeconds(10));

        Assert.Equal(Hw.Sim.Physics.HostPowerState.Running, _rig.Sim.HostState);
        Assert.Equal(Power.PowerState.On, second.Host.Power.State);
    }
}

public sealed class PanelPowerButtonTests : IDisposable
{
    private readonly BoardRig _rig = new();

    public void Dispose() => _rig.Dispose();

    [Fact]
    public void A_short_panel_press_that_powers_the_host_on_is_the_restart_cause()
    {
        using SimulatedBmc bmc = _rig.StartBmc(acPowerRestored: false);
        bmc.Host.Power.PanelPowerButton(true);
        _rig.Time.Advance(TimeSpan.FromMilliseconds(100));
        bmc.Host.Power.PanelPowerButton(false);
        _rig.Run(TimeSpan.FromSeconds(4));

        Assert.Equal(Hw.Sim.Physics.HostPowerState.Running, _rig.Sim.HostState);
        Assert.Equal(Power.PowerState.On, bmc.Host.Power.State);
        Assert.Equal(Power.RestartCause.PowerButton, bmc.Host.Power.LastRestartCause);
    }
}
