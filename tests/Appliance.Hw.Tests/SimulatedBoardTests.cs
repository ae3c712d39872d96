using Appliance.Hw.Boards;
using Appliance.Hw.Fru;
using Appliance.Hw.Sim;
using Appliance.Hw.Sim.Physics;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Hw.Tests;

/// <summary>The production drivers (Iot.Device.Bindings and ours) against the register-level simulator.</summary>
public sealed class SimulatedBoardTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly SimBoard _sim;
    private readonly Board _board;

    public SimulatedBoardTests()
    {
        BoardDescription description = BoardFile.Load(Repo.Hc1);
        _sim = new SimBoard(description, _time);
        _board = new Board(description, _sim.Platform);
    }

    public void Dispose()
    {
        _board.Dispose();
        _sim.Dispose();
    }

    [Theory]
    [InlineData("Inlet Temp", 0.0625)]   // TMP102
    [InlineData("CPU0 Temp", 0.125)]     // LM75
    [InlineData("DIMM Temp", 0.0625)]    // MCP9808
    public void Temperatures_read_through_the_drivers_match_the_physics(string sensor, double resolution)
    {
        PowerOnAndRun(TimeSpan.FromSeconds(20));

        double truth = _sim.Truth(sensor);
        double read = _board.ReadSensor(_board.Description.Sensor(sensor));

        Assert.InRange(read, truth - resolution, truth + resolution);
        Assert.True(truth > 20, $"{sensor} should be warm with the host running, was {truth}");
    }

    [Fact]
    public void The_power_monitor_sees_the_host_draw_idle_and_under_load()
    {
        SensorDescription power = _board.Description.Sensor("Host Power");
        SensorDescription volts = _board.Description.Sensor("12V Rail");
        Assert.Equal(0, _board.ReadSensor(power), 1);

        PowerOnAndRun(TimeSpan.FromSeconds(5));
        double idle = _board.ReadSensor(power);
        Assert.InRange(idle, 140 - 2, 140 + 2);
        Assert.InRange(_board.ReadSensor(volts), 12.05, 12.15);

        _sim.HostLoad = 1;
        double loaded = _board.ReadSensor(power);
        Assert.InRange(loaded, 420 - 3, 420 + 3);
        Assert.InRange(_board.ReadSensor(_board.Description.Sensor("12V Current")), 420 / 12.1 - 0.1, 420 / 12.1 + 0.1);
    }

    [Fact]
    public void Fans_follow_their_duty_with_inertia_and_the_tachometer_reports_it()
    {
        PowerOnAndRun(TimeSpan.FromSeconds(4));
        FanDescription fan = _board.Description.Fan("Fan2");
        _board.SetFanDuty(fan, 50);
        Assert.InRange(_board.GetFanDuty(fan), 49.5, 50.5);

        _time.Advance(TimeSpan.FromSeconds(0.5));
        double early = _board.GetFanRpm(fan);
        _time.Advance(TimeSpan.FromSeconds(10));
        double settled = _board.GetFanRpm(fan);

        Assert.InRange(early, 500, 4000);
        Assert.InRange(settled, 8000 * 0.98, 8000 * 1.02);
        Assert.InRange(settled, _sim.FanRpm("Fan2") * 0.99, _sim.FanRpm("Fan2") * 1.01);
    }

    [Fact]
    public void More_airflow_cools_and_more_load_heats()
    {
        PowerOnAndRun(TimeSpan.FromSeconds(5));
        SetAllFans(30);
        _sim.HostLoad = 1;
        _time.Advance(TimeSpan.FromMinutes(5));
        double hotSlowFans = _sim.Truth("CPU0 Temp");

        SetAllFans(100);
        _time.Advance(TimeSpan.FromMinutes(5));
        double hotFastFans = _sim.Truth("CPU0 Temp");

        _sim.HostLoad = 0;
        _time.Advance(TimeSpan.FromMinutes(5));
        double idleFastFans = _sim.Truth("CPU0 Temp");

        Assert.True(hotSlowFans > hotFastFans + 10, $"{hotSlowFans} vs {hotFastFans}");
        Assert.True(hotFastFans > idleFastFans + 10, $"{hotFastFans} vs {idleFastFans}");
        Assert.InRange(_sim.Truth("Inlet Temp"), 23.9, 24.1);
    }

    [Fact]
    public void The_fru_eeprom_holds_a_real_fru_image()
    {
        FruInfo fru = _board.ReadFru();

        Assert.Equal("HC1 Hyperconverged Node", fru.ProductName);
        Assert.Equal("HC1B0000001", fru.BoardSerialNumber);
        Assert.Equal(23, fru.ChassisType);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), fru.BoardManufacturedAt);
    }

    [Fact]
    public void Fru_writes_go_through_the_eeprom_pages()
    {
        byte[] data = Enumerable.Range(0, 20).Select(i => (byte)(0xA0 + i)).ToArray();
        _board.WriteFru(200, data);

        Assert.Equal(data, _sim.FruContents.AsSpan(200, 20).ToArray());
        Assert.Equal(data, _board.ReadFruImage().AsSpan(200, 20).ToArray());
    }

    [Fact]
    public void Text_written_through_the_lcd_driver_is_in_the_display_memory()
    {
        _board.UseLcd(lcd =>
        {
            lcd.Clear();
            lcd.SetCursorPosition(0, 0);
            lcd.Write("hc1-node-01     On");
            lcd.SetCursorPosition(2, 3);
            lcd.Write("Inlet 24C");
        });

        string[] lines = _sim.LcdLines;
        Assert.Equal("hc1-node-01     On  ", lines[0]);
        Assert.Equal(new string(' ', 20), lines[1]);
        Assert.Equal("  Inlet 24C         ", lines[3]);
        Assert.True(_sim.LcdBacklight);
        Assert.True(_sim.LcdDisplayOn);
    }

    [Fact]
    public void A_power_button_press_brings_power_good_then_post_complete_on_the_board_timing()
    {
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(TimeSpan.FromMilliseconds(119));
        Assert.False(_board.Lines.IsAsserted(LineNames.PsPowerOk));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_board.Lines.IsAsserted(LineNames.PsPowerOk));
        _time.Advance(TimeSpan.FromMilliseconds(80));
        _board.Lines.Set(LineNames.PowerOut, false);

        Assert.False(_board.Lines.IsAsserted(LineNames.PostComplete));
        _time.Advance(TimeSpan.FromMilliseconds(3000));
        Assert.True(_board.Lines.IsAsserted(LineNames.PostComplete));
        Assert.Equal(HostPowerState.Running, _sim.HostState);
    }

    [Fact]
    public void Edges_reach_callbacks_registered_through_the_gpio_controller()
    {
        var seen = new List<bool>();
        using IDisposable subscription = _board.Lines.OnChange(LineNames.PsPowerOk, seen.Add);

        PowerOnAndRun(TimeSpan.FromSeconds(4));
        PressPower(TimeSpan.FromSeconds(5));

        Assert.Equal([true, false], seen);
    }

    [Fact]
    public void A_short_press_while_running_shuts_the_os_down_and_a_long_press_forces_off()
    {
        PowerOnAndRun(TimeSpan.FromSeconds(4));
        PressPower(TimeSpan.FromMilliseconds(200));
        Assert.True(_sim.HostShuttingDown);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(HostPowerState.Off, _sim.HostState);

        PowerOnAndRun(TimeSpan.FromSeconds(4));
        _sim.Faults.HostIgnoresAcpi = true;
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(TimeSpan.FromMilliseconds(3999));
        Assert.Equal(HostPowerState.Running, _sim.HostState);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(HostPowerState.Off, _sim.HostState);
        Assert.False(_board.Lines.IsAsserted(LineNames.PsPowerOk));
    }

    [Fact]
    public void Reset_restarts_post_and_nmi_reaches_the_host()
    {
        PowerOnAndRun(TimeSpan.FromSeconds(4));
        _board.Lines.Set(LineNames.ResetOut, true);
        Assert.False(_board.Lines.IsAsserted(LineNames.PostComplete));
        _time.Advance(TimeSpan.FromMilliseconds(500));
        _board.Lines.Set(LineNames.ResetOut, false);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(_board.Lines.IsAsserted(LineNames.PostComplete));
        Assert.Equal(1, _sim.HostResetCount);

        _board.Lines.Set(LineNames.NmiOut, true);
        _board.Lines.Set(LineNames.NmiOut, false);
        Assert.Equal(1, _sim.HostNmiCount);
    }

    [Fact]
    public void Faults_show_up_at_the_driver_level()
    {
        PowerOnAndRun(TimeSpan.FromSeconds(4));
        SensorDescription cpu = _board.Description.Sensor("CPU1 Temp");

        _sim.Faults.NackDevice("cpu1_temp");
        var error = Assert.Throws<DeviceException>(() => _board.ReadSensor(cpu));
        Assert.Contains("cpu1_temp", error.Message);
        _sim.Faults.NackDevice("cpu1_temp", false);
        Assert.InRange(_board.ReadSensor(cpu), 20, 90);

        _sim.Faults.ForceReading("CPU1 Temp", 125);
        Assert.Equal(125, _board.ReadSensor(cpu), 0.2);
        _sim.Faults.ClearReading("CPU1 Temp");

        _sim.Faults.StickSensor("CPU1 Temp");
        double stuck = _board.ReadSensor(cpu);
        _sim.HostLoad = 1;
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(stuck, _board.ReadSensor(cpu));
        Assert.NotEqual(stuck, _sim.Truth("CPU1 Temp"), 1);

        SetAllFans(60);
        _sim.Faults.FailFan("Fan3");
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(0, _board.GetFanRpm(_board.Description.Fan("Fan3")));
        Assert.True(_board.GetFanRpm(_board.Description.Fan("Fan1")) > 9000);
    }

    [Fact]
    public void Power_good_never_comes_with_that_fault_and_post_can_hang()
    {
        _sim.Faults.PsPowerOkNeverAsserts = true;
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(_board.Lines.IsAsserted(LineNames.PsPowerOk));

        _sim.Faults.PsPowerOkNeverAsserts = false;
        _sim.Faults.HangAtPost = true;
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(_board.Lines.IsAsserted(LineNames.PsPowerOk));
        Assert.False(_board.Lines.IsAsserted(LineNames.PostComplete));
        Assert.Equal(HostPowerState.Post, _sim.HostState);
    }

    private void PressPower(TimeSpan hold)
    {
        _board.Lines.Set(LineNames.PowerOut, true);
        _time.Advance(hold);
        _board.Lines.Set(LineNames.PowerOut, false);
    }

    private void PowerOnAndRun(TimeSpan after)
    {
        PressPower(TimeSpan.FromMilliseconds(200));
        _time.Advance(after);
        Assert.Equal(HostPowerState.Running, _sim.HostState);
    }

    private void SetAllFans(double percent)
    {
        foreach (FanDescription fan in _board.Description.Fans)
        {
            _board.SetFanDuty(fan, percent);
        }
    }
}
