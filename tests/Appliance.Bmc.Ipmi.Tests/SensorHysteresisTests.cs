using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Set/Get Sensor Hysteresis: changed with FreeIPMI ipmi-sensors-config or ipmitool raw, durable, and what holds a crossing.</summary>
public sealed class SensorHysteresisTests
{
    [Fact]
    public async Task Hysteresis_committed_with_sensors_config_holds_crossings_until_the_reading_is_back_past_it()
    {
        await using var bmc = await RunningBmcAsync();
        SensorState cpu = bmc.Host.Sensors.ByName("CPU0 Temp")!;
        SensorState inlet = bmc.Host.Sensors.ByName("Inlet Temp")!;

        var commit = await bmc.FreeIpmiAsync("ipmi-sensors-config", "--commit",
            "--key-pair=3_CPU0_Temp:Positive_Going_Threshold_Hysteresis=6",
            "--key-pair=1_Inlet_Temp:Negative_Going_Threshold_Hysteresis=3");
        var checkout = await bmc.FreeIpmiAsync("ipmi-sensors-config", "--checkout", "--section=3_CPU0_Temp");

        // Upper thresholds hold with the positive-going hysteresis: critical 95, now 6 degrees.
        ThresholdLevel afterSpike = Reading(bmc, "CPU0 Temp", 97, cpu);
        ThresholdLevel within = Reading(bmc, "CPU0 Temp", 92, cpu); // the board file's 2 degrees would have let go here
        ThresholdLevel past = Reading(bmc, "CPU0 Temp", 88, cpu);

        // Lower thresholds hold with the negative-going hysteresis: non-critical 5, now 3 degrees.
        ThresholdLevel cold = Reading(bmc, "Inlet Temp", 4, inlet);
        ThresholdLevel warming = Reading(bmc, "Inlet Temp", 7, inlet);
        ThresholdLevel warm = Reading(bmc, "Inlet Temp", 9, inlet);
        var sel = await bmc.IpmitoolAsync("sel", "elist");

        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Matches(@"Positive_Going_Threshold_Hysteresis\s+6\.000000", checkout.StdOut);
        Assert.Matches(@"Negative_Going_Threshold_Hysteresis\s+2\.000000", checkout.StdOut); // untouched: the board file's
        Assert.True(afterSpike.HasFlag(ThresholdLevel.UpperCritical));
        Assert.True(within.HasFlag(ThresholdLevel.UpperCritical));
        Assert.False(past.HasFlag(ThresholdLevel.UpperCritical));
        Assert.True(past.HasFlag(ThresholdLevel.UpperNonCritical));
        Assert.True(cold.HasFlag(ThresholdLevel.LowerNonCritical));
        Assert.True(warming.HasFlag(ThresholdLevel.LowerNonCritical));
        Assert.False(warm.HasFlag(ThresholdLevel.LowerNonCritical));
        Assert.Matches(@"CPU0 Temp \| Upper Critical going high \| Deasserted \| Reading 88 < Threshold 95 degrees C", sel.StdOut);
        Assert.Matches(@"Inlet Temp \| Lower Non-critical going low  \| Deasserted \| Reading 9 > Threshold 5 degrees C", sel.StdOut);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Hysteresis_set_with_raw_survives_a_restart_and_shows_in_the_sdr()
    {
        var time = InProcessBmc.SimulatedTime();
        using var sim = InProcessBmc.NewBoard(hostOn: false, time);
        string state = Directory.CreateTempSubdirectory("bmc-ipmi-state-").FullName;
        try
        {
            Tool.Result set, before;
            await using (var bmc = await InProcessBmc.StartAsync(sim, state))
            {
                before = await bmc.IpmitoolAsync("raw", "0x04", "0x25", "0x02", "0xff");
                set = await bmc.IpmitoolAsync("raw", "0x04", "0x24", "0x02", "0xff", "0x04", "0x03");
            }

            await using var restarted = await InProcessBmc.StartAsync(sim, state);
            var get = await restarted.IpmitoolAsync("raw", "0x04", "0x25", "0x02", "0xff");
            var sensor = await restarted.IpmitoolAsync("sensor", "get", "Exhaust Temp");

            Assert.Equal("01 01", before.StdOut.Trim());
            Assert.True(set.ExitCode == 0, set.ToString());
            Assert.Equal("04 03", get.StdOut.Trim());
            Assert.Matches(@"Positive Hysteresis\s+: 4\.000", sensor.StdOut);
            Assert.Matches(@"Negative Hysteresis\s+: 3\.000", sensor.StdOut);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData("0xe0 0xff 0x01 0x01", "0xcd")] // Power Unit: a discrete sensor has no thresholds to hold
    [InlineData("0x99 0xff 0x01 0x01", "0xcb")] // no such sensor
    [InlineData("0x03 0xff 0x01", "0xc7")]
    [InlineData("0x03 0xff 0x01 0x01 0x00", "0xc7")]
    public async Task Non_threshold_sensors_and_bad_lengths_are_refused_and_change_nothing(string data, string code)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync(["raw", "0x04", "0x24", .. data.Split(' ')]);
        var get = await bmc.IpmitoolAsync("raw", "0x04", "0x25", "0x03", "0xff");

        Assert.Contains("rsp=" + code, r.StdErr);
        Assert.Equal("02 02", get.StdOut.Trim());
    }

    [Fact]
    public async Task Read_only_users_may_read_but_not_set_hysteresis()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var set = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER",
            "raw", "0x04", "0x24", "0x03", "0xff", "0x09", "0x09");
        var get = await Tool.IpmitoolAsync(bmc.Port, InProcessBmc.ReadOnlyUser, InProcessBmc.ReadOnlyPassword, 17, "-L", "USER",
            "raw", "0x04", "0x25", "0x03", "0xff");

        Assert.Contains("rsp=0xd4", set.StdErr);
        Assert.Equal("02 02", get.StdOut.Trim());
    }

    private static async Task<InProcessBmc> RunningBmcAsync()
    {
        var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());
        bmc.Run(SensorMonitor.PowerOnSettle + TimeSpan.FromSeconds(3));
        return bmc;
    }

    private static ThresholdLevel Reading(InProcessBmc bmc, string sensor, double value, SensorState state)
    {
        bmc.Sim.Faults.ForceReading(sensor, value);
        bmc.Run(TimeSpan.FromSeconds(1));
        return state.Asserted;
    }
}
