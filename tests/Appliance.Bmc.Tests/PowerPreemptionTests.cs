using Appliance.Bmc.Power;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Tests;

/// <summary>
/// A graceful shutdown waits for the host, which may never answer (in POST, or ignoring ACPI):
/// what a person asks next must not wait behind it.
/// </summary>
public sealed class PowerPreemptionTests : HostOffTests
{
    [Fact]
    public void A_force_off_sent_while_a_soft_off_waits_for_a_host_in_post_takes_effect_at_once()
    {
        // Firmware hangs in POST: the ACPI press of a soft-off goes unanswered.
        Rig.Sim.Faults.HangAtPost = true;
        Assert.True(Rig.RunUntil(Power.Request(PowerAction.On).Completion, TimeSpan.FromSeconds(9)).Succeeded);
        Rig.Run(TimeSpan.FromSeconds(1));
        Assert.Equal(HostPowerState.Post, Rig.Sim.HostState);

        PowerRequestResult soft = Power.Request(PowerAction.GracefulShutdown);
        Rig.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(PowerState.GracefulTransitionToOff, Power.State);

        PowerRequestResult hard = Power.Request(PowerAction.ForceOff);
        Assert.Equal(PowerRequestOutcome.Accepted, hard.Outcome);
        Assert.True(soft.Completion.IsCompleted);
        Assert.True(soft.Completion.Result.Superseded);
        Assert.False(soft.Completion.Result.Succeeded);

        // The board cuts power after its override hold (4 s), not after the graceful timeout (300 s).
        PowerResult result = Rig.RunUntil(hard.Completion, TimeSpan.FromSeconds(5));
        Assert.True(result.Succeeded);
        Assert.Equal(PowerState.Off, Power.State);
        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
    }

    [Fact]
    public void A_hard_reset_or_power_cycle_also_supersedes_a_waiting_soft_off()
    {
        PowerOn();
        Rig.Sim.Faults.HostIgnoresAcpi = true;
        PowerRequestResult soft = Power.Request(PowerAction.GracefulShutdown);
        Rig.Run(TimeSpan.FromSeconds(1));

        PowerRequestResult reset = Power.Request(PowerAction.HardReset);
        Assert.Equal(PowerRequestOutcome.Accepted, reset.Outcome);
        Assert.True(soft.Completion.Result.Superseded);
        Assert.True(Rig.RunUntil(reset.Completion, TimeSpan.FromSeconds(1)).Succeeded);
        Assert.Equal(PowerState.On, Power.State);
        Assert.Equal(1, Rig.Sim.HostResetCount);

        // Nothing of the soft-off is left: no forced off 300 s later.
        Rig.Run(TimeSpan.FromSeconds(305), TimeSpan.FromMilliseconds(500));
        Assert.Equal(PowerState.On, Power.State);
        Assert.NotEqual(HostPowerState.Off, Rig.Sim.HostState);
    }

    [Fact]
    public void A_second_soft_off_joins_the_first_and_does_not_restart_its_timeout()
    {
        PowerOn();
        Rig.Sim.Faults.HostIgnoresAcpi = true;
        PowerRequestResult first = Power.Request(PowerAction.GracefulShutdown);
        Rig.Run(TimeSpan.FromSeconds(200), TimeSpan.FromMilliseconds(500));

        PowerRequestResult second = Power.Request(PowerAction.GracefulShutdown);
        Assert.Equal(PowerRequestOutcome.Accepted, second.Outcome);
        Assert.Same(first.Completion, second.Completion);

        // Forced off at 300 s after the first request, as the first one promised.
        Rig.Run(TimeSpan.FromSeconds(100), TimeSpan.FromMilliseconds(500));
        Assert.Equal(PowerState.TransitionToOff, Power.State);
        PowerResult result = Rig.RunUntil(second.Completion, TimeSpan.FromSeconds(5));
        Assert.True(result.Succeeded);
        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
    }

    [Fact]
    public void Holding_the_panel_power_button_while_a_soft_off_waits_turns_the_host_off()
    {
        PowerOn();
        Rig.Sim.Faults.HostIgnoresAcpi = true;
        PowerRequestResult soft = Power.Request(PowerAction.GracefulShutdown);
        Rig.Run(TimeSpan.FromSeconds(1));

        Power.PanelPowerButton(true);
        Rig.Run(TimeSpan.FromSeconds(4.5));
        Power.PanelPowerButton(false);

        Assert.Equal(HostPowerState.Off, Rig.Sim.HostState);
        Assert.Equal(PowerState.Off, Power.State);
        Assert.True(soft.Completion.IsCompleted);
        Assert.True(soft.Completion.Result.Superseded);
        Assert.False(Rig.Sim.IsAsserted("POWER_OUT"));
    }

    [Fact]
    public void Power_on_after_a_soft_off_still_waits_for_it_in_order()
    {
        PowerOn();
        PowerRequestResult soft = Power.Request(PowerAction.GracefulShutdown);
        PowerRequestResult on = Power.Request(PowerAction.On);
        Assert.True(Rig.RunUntil(soft.Completion, TimeSpan.FromSeconds(10)).Succeeded);
        Assert.False(soft.Completion.Result.Superseded);
        Assert.True(Rig.RunUntil(on.Completion, TimeSpan.FromSeconds(10)).Succeeded);
        Assert.Equal(PowerState.On, Power.State);
    }
}
