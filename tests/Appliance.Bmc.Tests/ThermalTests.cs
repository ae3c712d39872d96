using Appliance.Bmc.Power;
using Appliance.Bmc.Thermal;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Tests;

public sealed class ThermalTests : IDisposable
{
    private static readonly TimeSpan Cycle = TimeSpan.FromMilliseconds(250);
    private readonly BoardRig _rig = new();
    private readonly SimulatedBmc _bmc;

    public ThermalTests() => _bmc = _rig.StartBmc(acPowerRestored: false);

    private ThermalZone Zone => _bmc.Host.Thermal.Zones[0];

    public void Dispose()
    {
        _bmc.Dispose();
        _rig.Dispose();
    }

    [Fact]
    public void Fans_are_at_failsafe_before_the_first_cycle_and_after_shutdown()
    {
        using var rig = new BoardRig();
        SimulatedBmc bmc = rig.StartBmc(acPowerRestored: false);
        Assert.All(rig.Description.Fans, f => Assert.Equal(100, rig.Sim.FanDutyPercent(f.Name), 0.5));

        rig.Run(TimeSpan.FromSeconds(5), Cycle);
        Assert.All(rig.Description.Fans, f => Assert.InRange(rig.Sim.FanDutyPercent(f.Name), 24, 40));

        bmc.Dispose();
        Assert.All(rig.Description.Fans, f => Assert.Equal(100, rig.Sim.FanDutyPercent(f.Name), 0.5));
    }

    [Fact]
    public void A_load_step_settles_at_the_setpoint_without_oscillating()
    {
        PowerOn();
        _rig.Run(TimeSpan.FromMinutes(5), Cycle);
        double idleDuty = Zone.DutyPercent;
        Assert.Equal(25, idleDuty, 0.5);

        _rig.Sim.HostLoad = 1;
        var cpu = new List<double>();
        var duty = new List<double>();
        for (int i = 0; i < 10 * 60 * 4; i++)
        {
            _rig.Time.Advance(Cycle);
            cpu.Add(Math.Max(_rig.Sim.Truth("CPU0 Temp"), _rig.Sim.Truth("CPU1 Temp")));
            duty.Add(Zone.DutyPercent);
        }

        double final = cpu[^1];
        double lastMinutesSwing = duty.TakeLast(4 * 60 * 4).Max() - duty.TakeLast(4 * 60 * 4).Min();
        Assert.InRange(final, 69, 71);
        Assert.True(cpu.Max() - 70 < 6, $"overshoot {cpu.Max() - 70:0.0} C");
        Assert.True(lastMinutesSwing < 1.5, $"duty still swinging by {lastMinutesSwing:0.0}% after six minutes");
        Assert.True(duty[^1] > idleDuty + 10, "more load needs more air");
        Assert.False(Zone.Failsafe);
    }

    [Fact]
    public void A_removed_sensor_drives_the_zone_to_failsafe_within_a_second()
    {
        PowerOn();
        _rig.Run(TimeSpan.FromMinutes(1), Cycle);
        Assert.False(Zone.Failsafe);

        _rig.Sim.Faults.NackDevice("cpu0_temp");
        _rig.Run(TimeSpan.FromSeconds(1), Cycle);

        Assert.True(Zone.Failsafe);
        Assert.Contains("CPU0 Temp", Zone.FailsafeReason);
        Assert.All(_rig.Description.Fans, f => Assert.Equal(100, _rig.Sim.FanDutyPercent(f.Name), 0.5));

        _rig.Sim.Faults.NackDevice("cpu0_temp", false);
        _rig.Run(TimeSpan.FromSeconds(1), Cycle);
        Assert.False(Zone.Failsafe);
    }

    [Fact]
    public void A_stuck_sensor_that_stops_updating_is_a_timeout()
    {
        PowerOn();
        _rig.Run(TimeSpan.FromSeconds(10), Cycle);
        _bmc.Host.Sensors.Dispose(); // polling stops: readings age
        _rig.Run(TimeSpan.FromSeconds(1), Cycle);

        Assert.True(Zone.Failsafe);
        Assert.Contains("no recent reading", Zone.FailsafeReason);
    }

    [Fact]
    public void A_failed_fan_raises_the_others()
    {
        PowerOn();
        _rig.Run(TimeSpan.FromMinutes(1), Cycle);
        double before = _rig.Sim.FanRpm("Fan1");

        _rig.Sim.Faults.FailFan("Fan3");
        _rig.Run(TimeSpan.FromSeconds(10), Cycle);

        Assert.True(Zone.Failsafe);
        Assert.Contains("Fan3", Zone.FailsafeReason);
        foreach (FanDescription fan in _rig.Description.Fans.Where(f => f.Name != "Fan3"))
        {
            Assert.Equal(100, _rig.Sim.FanDutyPercent(fan.Name), 0.5);
            Assert.True(_rig.Sim.FanRpm(fan.Name) > before * 2, $"{fan.Name} at {_rig.Sim.FanRpm(fan.Name)} RPM");
        }
    }

    private void PowerOn()
    {
        Assert.True(_rig.RunUntil(_bmc.Host.Power.Request(PowerAction.On).Completion, TimeSpan.FromSeconds(9)).Succeeded);
        _rig.Run(TimeSpan.FromSeconds(8), Cycle);
    }
}
