using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Hw.Boards;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The SDR repository and sensor readings as ipmitool and FreeIPMI show them, against the simulated
/// board's physical truth. The board runs in simulated time, held still while a client reads.
/// </summary>
public sealed class SensorTests
{
    private static readonly Dictionary<SensorKind, string> IpmitoolUnits = new()
    {
        [SensorKind.Temperature] = "degrees C",
        [SensorKind.Voltage] = "Volts",
        [SensorKind.Current] = "Amps",
        [SensorKind.Power] = "Watts",
        [SensorKind.FanSpeed] = "RPM",
    };

    private static readonly Dictionary<SensorKind, string> FreeIpmiUnits = new()
    {
        [SensorKind.Temperature] = "C",
        [SensorKind.Voltage] = "V",
        [SensorKind.Current] = "A",
        [SensorKind.Power] = "W",
        [SensorKind.FanSpeed] = "RPM",
    };

    /// <summary>A BMC whose host has been on long enough for every sensor to read (fans and rails wait for power to settle).</summary>
    private static async Task<InProcessBmc> RunningBmcAsync()
    {
        var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());
        bmc.Sim.HostLoad = 0.5;
        bmc.Run(SensorMonitor.PowerOnSettle + TimeSpan.FromSeconds(5));
        Assert.All(bmc.Host.Sensors.All, s => Assert.True(s.HasReading, s.Name));
        return bmc;
    }

    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    public async Task Sdr_elist_shows_every_board_sensor_with_its_value_and_unit(int suite)
    {
        await using var bmc = await RunningBmcAsync();

        var r = await bmc.IpmitoolAsync(suite, "sdr", "elist");

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (SensorState sensor in bmc.Host.Sensors.All)
        {
            SensorDescription d = sensor.Description;
            Match row = Regex.Match(r.StdOut, $@"^{Regex.Escape(d.Name)}\s*\| {sensor.Number:X2}h \| ok\s+\|\s*{d.EntityId}\.{d.EntityInstance} \| ([-0-9.]+) {IpmitoolUnits[d.Kind]}\s*$", RegexOptions.Multiline);
            Assert.True(row.Success, $"{d.Name} not shown as expected in:\n{r.StdOut}");
            double shown = double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture);
            double truth = bmc.Sim.Truth(d.Name);
            Assert.True(Math.Abs(shown - truth) <= sensor.Conversion.Resolution, $"{d.Name}: shown {shown}, truth {truth}, resolution {sensor.Conversion.Resolution}");
        }

        foreach ((byte number, _, string name) in BuiltInSensors.All)
        {
            Assert.Matches($@"(?m)^{Regex.Escape(name)}\s*\| {number:X2}h \| ok", r.StdOut);
        }

        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Ipmi_sensors_shows_every_board_sensor_with_its_value_and_unit()
    {
        await using var bmc = await RunningBmcAsync();

        var r = await bmc.FreeIpmiAsync("ipmi-sensors");

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (SensorState sensor in bmc.Host.Sensors.All)
        {
            SensorDescription d = sensor.Description;
            Match row = Regex.Match(r.StdOut, $@"\| {Regex.Escape(d.Name)}\s*\| [^|]+\| ([-0-9.]+)\s*\| {FreeIpmiUnits[d.Kind]}\s*\| 'OK'", RegexOptions.Multiline);
            Assert.True(row.Success, $"{d.Name} not shown as expected in:\n{r.StdOut}");
            double shown = double.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(shown - bmc.Sim.Truth(d.Name)) <= sensor.Conversion.Resolution, $"{d.Name}: shown {shown}, truth {bmc.Sim.Truth(d.Name)}");
        }
    }

    [Fact]
    public async Task Sensor_get_shows_the_board_files_thresholds_and_hysteresis()
    {
        await using var bmc = await RunningBmcAsync();

        var cpu = await bmc.IpmitoolAsync("sensor", "get", "CPU0 Temp");
        var fan = await bmc.IpmitoolAsync("sensor", "get", "Fan1");

        Assert.True(cpu.ExitCode == 0, cpu.ToString());
        Assert.Matches(@"Sensor Type \(Threshold\)\s+: Temperature", cpu.StdOut);
        Assert.Matches(@"Status\s+: ok", cpu.StdOut);
        Assert.Matches(@"Upper Non-Critical\s+: 85\.000", cpu.StdOut);
        Assert.Matches(@"Upper Critical\s+: 95\.000", cpu.StdOut);
        Assert.Matches(@"Upper Non-Recoverable\s+: 100\.000", cpu.StdOut);
        Assert.Matches(@"Lower Non-Critical\s+: na", cpu.StdOut);
        Assert.Matches(@"Positive Hysteresis\s+: 2\.000", cpu.StdOut);
        Assert.Matches(@"Assertions Enabled\s+: unc\+ ucr\+ unr\+", cpu.StdOut);

        // Fan thresholds are multiples of the fan's resolution away from the board file's values.
        double resolution = bmc.Host.Sensors.ByName("Fan1")!.Conversion.Resolution;
        Match lcr = Regex.Match(fan.StdOut, @"Lower Critical\s+: ([0-9.]+)");
        Assert.True(lcr.Success, fan.StdOut);
        Assert.True(Math.Abs(double.Parse(lcr.Groups[1].Value, CultureInfo.InvariantCulture) - 800) <= resolution / 2);
        Assert.Matches(@"Assertions Enabled\s+: lnc- lcr- lnr-", fan.StdOut);
    }

    [Fact]
    public async Task Sensors_that_need_host_power_have_no_reading_while_the_host_is_off()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());
        bmc.Run(TimeSpan.FromSeconds(2));

        var ipmitool = await bmc.IpmitoolAsync("sdr", "list");
        var freeipmi = await bmc.FreeIpmiAsync("ipmi-sensors");

        Assert.Matches(@"(?m)^Fan1\s+\| no reading\s+\| ns", ipmitool.StdOut);
        Assert.Matches(@"(?m)^12V Rail\s+\| no reading\s+\| ns", ipmitool.StdOut);
        Assert.Matches(@"(?m)^Inlet Temp\s+\| 24 degrees C\s+\| ok", ipmitool.StdOut);
        Assert.Matches(@"\| Fan1\s+\| Fan\s+\| N/A", freeipmi.StdOut);
        Assert.Matches(@"(?m)^Power Unit\s+\| 0x01\s+\| ok", ipmitool.StdOut); // state bit 0: powered off
    }

    [Fact]
    public async Task A_reading_past_a_critical_threshold_shows_and_is_logged()
    {
        await using var bmc = await RunningBmcAsync();

        bmc.Sim.Faults.ForceReading("CPU0 Temp", 97);
        bmc.Run(TimeSpan.FromSeconds(1));
        var sdr = await bmc.IpmitoolAsync("sdr", "get", "CPU0 Temp");
        var sel = await bmc.IpmitoolAsync("sel", "elist");

        Assert.Matches(@"Sensor Reading\s+: 97 \(\+/- 0\) degrees C", sdr.StdOut);
        Assert.Matches(@"Status\s+: Upper Critical", sdr.StdOut);
        Assert.Matches(@"CPU0 Temp \| Upper Non-critical going high \| Asserted \| Reading 97 > Threshold 85 degrees C", sel.StdOut);
        Assert.Matches(@"CPU0 Temp \| Upper Critical going high \| Asserted \| Reading 97 > Threshold 95 degrees C", sel.StdOut);
    }

    [Fact]
    public async Task A_sensor_whose_device_stops_answering_has_no_reading()
    {
        await using var bmc = await RunningBmcAsync();

        bmc.Sim.Faults.NackDevice("dimm_temp");
        bmc.Run(TimeSpan.FromSeconds(2));
        var r = await bmc.IpmitoolAsync("sdr", "list");

        Assert.Matches(@"(?m)^DIMM Temp\s+\| no reading\s+\| ns", r.StdOut);
        Assert.Matches(@"(?m)^CPU0 Temp\s+\| \d+ degrees C\s+\| ok", r.StdOut);
    }

    [Fact]
    public async Task Thresholds_set_over_ipmi_apply_at_once_and_survive_a_bmc_restart()
    {
        var time = InProcessBmc.SimulatedTime();
        using var sim = InProcessBmc.NewBoard(hostOn: true, time);
        string state = Directory.CreateTempSubdirectory("bmc-ipmi-state-").FullName;
        try
        {
            await using (var bmc = await InProcessBmc.StartAsync(sim, state))
            {
                bmc.Run(TimeSpan.FromSeconds(3));
                double reading = bmc.Host.Sensors.ByName("Exhaust Temp")!.Value!.Value;
                int below = (int)Math.Floor(reading) - 2;

                var set = await bmc.IpmitoolAsync("sensor", "thresh", "Exhaust Temp", "unc", below.ToString(CultureInfo.InvariantCulture));
                bmc.Run(TimeSpan.FromSeconds(1));

                Assert.True(set.ExitCode == 0, set.ToString());
                Assert.Equal(below, bmc.Host.Sensors.ByName("Exhaust Temp")!.Thresholds.UpperNonCritical);
                SelRecord crossing = bmc.Host.Sel.Entries().Select(e => e.Record).Single(r => r.SensorNumber == 2);
                Assert.False(crossing.IsDeassertion);
                Assert.Equal(ThresholdLevel.UpperNonCritical.EventOffset(), crossing.Offset);
            }

            await using (var restarted = await InProcessBmc.StartAsync(sim, state))
            {
                restarted.Run(TimeSpan.FromSeconds(1));
                var get = await restarted.IpmitoolAsync("sensor", "get", "Exhaust Temp");
                double expected = restarted.Host.Sensors.ByName("Exhaust Temp")!.Thresholds.UpperNonCritical!.Value;

                Assert.NotEqual(55, expected);
                Assert.Matches($@"Upper Non-Critical\s+: {expected:0.000}", get.StdOut);
                Assert.Matches(@"Upper Critical\s+: 65\.000", get.StdOut);
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task The_sdr_describes_new_hysteresis_at_once_and_sdr_caches_stay_valid()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());
        var cached = await bmc.FreeIpmiAsync("ipmi-sensors", "--sensors=2"); // fills FreeIPMI's SDR cache
        var infoBefore = await bmc.IpmitoolAsync("raw", "0x0a", "0x20");
        var reservation = await bmc.IpmitoolAsync("raw", "0x0a", "0x22");
        bmc.Run(TimeSpan.FromSeconds(2));

        var thresh = await bmc.IpmitoolAsync("sensor", "thresh", "Exhaust Temp", "unc", "50");
        var hysteresis = await bmc.IpmitoolAsync("raw", "0x04", "0x24", "0x02", "0xff", "0x04", "0x03");
        var sdr = await bmc.IpmitoolAsync("sdr", "get", "Exhaust Temp");
        var infoAfter = await bmc.IpmitoolAsync("raw", "0x0a", "0x20");
        string[] id = reservation.StdOut.Trim().Split(' ');
        var partialWithOldReservation = await bmc.IpmitoolAsync("raw", "0x0a", "0x23", "0x" + id[0], "0x" + id[1], "0x01", "0x00", "0x05", "0x05");
        var fromCache = await bmc.FreeIpmiAsync("ipmi-sensors", "--sensors=2");

        Assert.True(cached.ExitCode == 0, cached.ToString());
        Assert.True(thresh.ExitCode == 0, thresh.ToString());
        Assert.True(hysteresis.ExitCode == 0, hysteresis.ToString());
        Assert.Matches(@"Positive Hysteresis\s+: 4\.000", sdr.StdOut); // ipmitool reads these from the full sensor record
        Assert.Matches(@"Negative Hysteresis\s+: 3\.000", sdr.StdOut);

        // The same records were neither added nor removed, so the most recent addition time that
        // SDR caches are checked against stays, and FreeIPMI goes on with its cache; a partial
        // read under the old reservation must start again.
        Assert.Equal(infoBefore.StdOut, infoAfter.StdOut);
        Assert.True(fromCache.ExitCode == 0, fromCache.ToString());
        Assert.Contains("Exhaust Temp", fromCache.StdOut);
        Assert.Contains("rsp=0xc5", partialWithOldReservation.All);
    }

    [Fact]
    public async Task Thresholds_out_of_order_or_for_levels_the_sensor_lacks_are_refused()
    {
        await using var bmc = await RunningBmcAsync();

        var aboveCritical = await bmc.IpmitoolAsync("sensor", "thresh", "CPU0 Temp", "unc", "99");
        var missingLevel = await bmc.IpmitoolAsync("raw", "0x04", "0x26", "0x03", "0x01", "0x05", "0x00", "0x00", "0x00", "0x00", "0x00");

        Assert.NotEqual(0, aboveCritical.ExitCode);
        Assert.Contains("rsp=0xcc", missingLevel.StdErr);
        Assert.Equal(bmc.Host.Board.Description.Sensor("CPU0 Temp").Thresholds, bmc.Host.Sensors.ByName("CPU0 Temp")!.Thresholds);
    }

    [Fact]
    public async Task Events_can_be_switched_off_for_a_sensor()
    {
        await using var bmc = await RunningBmcAsync();

        var off = await bmc.IpmitoolAsync("raw", "0x04", "0x28", "0x03", "0x40");
        bmc.Sim.Faults.ForceReading("CPU0 Temp", 97);
        bmc.Run(TimeSpan.FromSeconds(1));
        var enables = await bmc.IpmitoolAsync("raw", "0x04", "0x29", "0x03");

        Assert.True(off.ExitCode == 0, off.ToString());
        Assert.DoesNotContain(bmc.Host.Sel.Entries(), e => e.Record.SensorNumber == 3);
        Assert.StartsWith("40 80 0a 80 0a", enables.StdOut.Trim());
    }
}
