using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Tests;

public sealed class SensorTests : IDisposable
{
    private readonly BoardRig _rig = new();
    private readonly SimulatedBmc _bmc;

    public SensorTests() => _bmc = _rig.StartBmc(acPowerRestored: false);

    private SensorMonitor Sensors => _bmc.Host.Sensors;

    public void Dispose()
    {
        _bmc.Dispose();
        _rig.Dispose();
    }

    [Fact]
    public void Every_sensor_reads_what_the_simulated_physics_produces()
    {
        PowerOnAndSettle();
        _rig.Sim.HostLoad = 0.5;
        _rig.Run(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250));
        Sensors.Poll();

        foreach (SensorState sensor in Sensors.All)
        {
            Assert.Equal(SensorStatus.Ok, sensor.Status);
            double truth = _rig.Sim.Truth(sensor.Name);
            double tolerance = sensor.Description.Unit switch
            {
                "Cel" => 0.13,
                "V" => 0.01,
                "A" => 0.05,
                "W" => 1.0,
                _ => truth * 0.01 + 1,
            };
            Assert.True(Math.Abs(sensor.Value!.Value - truth) <= tolerance, $"{sensor.Name}: read {sensor.Value} but the board has {truth}");
        }

        Assert.InRange(Sensors.ByName("Host Power")!.Value!.Value, 279, 281);
    }

    [Fact]
    public void Threshold_crossings_log_exactly_the_expected_assertions_and_deassertions_with_hysteresis()
    {
        // Inlet Temp: LC 0, LNC 5, UNC 35, UC 40, UNR 45, hysteresis 1.
        int before = _bmc.Host.Sel.Count;
        var steps = new (double Reading, string[] Expected)[]
        {
            (30, []),
            (35, ["+UNC"]),
            (36, []),
            (34.2, []),          // inside the hysteresis band: still asserted
            (33.9, ["-UNC"]),
            (46, ["+UNC", "+UC", "+UNR"]),
            (44.5, []),
            (43.9, ["-UNR"]),
            (20, ["-UC", "-UNC"]),
            (5, ["+LNC"]),
            (5.8, []),
            (-1, ["+LC"]),
            (6.5, ["-LC", "-LNC"]),
        };

        foreach ((double reading, string[] expected) in steps)
        {
            _rig.Sim.Faults.ForceReading("Inlet Temp", reading);
            int mark = _bmc.Host.Sel.Count;
            Sensors.Poll();
            string[] logged = _bmc.Host.Sel.Entries().Skip(mark).Select(e => Describe(e.Record)).ToArray();
            Assert.True(expected.SequenceEqual(logged), $"at {reading}: expected [{string.Join(",", expected)}] got [{string.Join(",", logged)}]");
        }

        Assert.Equal(before + 12, _bmc.Host.Sel.Count);
    }

    [Fact]
    public void Threshold_events_use_the_ipmi_event_layout()
    {
        _rig.Sim.Faults.ForceReading("CPU0 Temp", 96);
        Sensors.Poll();

        SelRecord[] records = _bmc.Host.Sel.Entries().Select(e => e.Record).ToArray();
        SelRecord critical = records.Single(r => r.SensorNumber == 3 && r.Offset == 0x09);
        Assert.Equal(0x02, critical.RecordType);
        Assert.Equal(0x0020, critical.GeneratorId);
        Assert.Equal(0x04, critical.EventMessageRevision);
        Assert.Equal(0x01, critical.SensorType);        // temperature
        Assert.Equal(0x01, critical.EventDirType);      // assertion, threshold event type
        Assert.Equal(0x59, critical.EventData1);        // reading and threshold in bytes 2 and 3, upper critical going high
        Assert.Equal(96, critical.EventData2);
        Assert.Equal(95, critical.EventData3);
        Assert.Equal((uint)_rig.Time.GetUtcNow().ToUnixTimeSeconds(), critical.Timestamp);
    }

    [Fact]
    public void A_sensor_that_keeps_failing_becomes_unavailable_and_recovers()
    {
        Sensors.Poll();
        double? good = Sensors.ByName("DIMM Temp")!.Value;
        _rig.Sim.Faults.NackDevice("dimm_temp");

        Sensors.Poll();
        Sensors.Poll();
        SensorState dimm = Sensors.ByName("DIMM Temp")!;
        Assert.Equal(SensorStatus.Failing, dimm.Status);
        Assert.Equal(good, dimm.Value);
        Sensors.Poll();
        Assert.Equal(SensorStatus.Unavailable, dimm.Status);
        Assert.Null(dimm.Value);
        Assert.Contains("dimm_temp", dimm.LastError);

        _rig.Sim.Faults.NackDevice("dimm_temp", false);
        Sensors.Poll();
        Assert.Equal(SensorStatus.Ok, dimm.Status);
        Assert.NotNull(dimm.Value);
    }

    [Fact]
    public void Readings_that_need_host_power_are_not_scanned_while_off_and_fans_spinning_up_log_nothing()
    {
        Sensors.Poll();
        Assert.All(Sensors.All.Where(s => s.Description.PowerState == Hw.Boards.SensorPowerState.On),
            s => Assert.Equal(SensorStatus.NotScanning, s.Status));

        PowerOnAndSettle();
        Assert.All(Sensors.All, s => Assert.Equal(SensorStatus.Ok, s.Status));
        Assert.DoesNotContain(_bmc.Host.Sel.Entries(), e => e.Record.SensorType == 0x04);
        Assert.True(Sensors.ByName("Fan1")!.Value > 3000);
    }

    private void PowerOnAndSettle()
    {
        Assert.True(_rig.RunUntil(_bmc.Host.Power.Request(PowerAction.On).Completion, TimeSpan.FromSeconds(9)).Succeeded);
        _rig.Run(TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(250));
    }

    private static string Describe(SelRecord r)
    {
        string level = r.Offset switch
        {
            0x00 => "LNC",
            0x02 => "LC",
            0x04 => "LNR",
            0x07 => "UNC",
            0x09 => "UC",
            0x0B => "UNR",
            _ => $"offset{r.Offset}",
        };
        return (r.IsDeassertion ? "-" : "+") + level;
    }
}
