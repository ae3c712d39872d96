using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>DCMI power reading from the main rail's power monitor.</summary>
public sealed class DcmiTests
{
    [Fact]
    public async Task Power_reading_shows_the_hosts_draw()
    {
        await using var bmc = await InProcessBmc.StartAsync(hostOn: true, time: InProcessBmc.SimulatedTime());
        bmc.Sim.HostLoad = 0.2;
        bmc.Run(SensorMonitor.PowerOnSettle + TimeSpan.FromSeconds(2));
        bmc.Sim.HostLoad = 1.0;
        bmc.Run(TimeSpan.FromSeconds(2));

        var r = await bmc.IpmitoolAsync("dcmi", "power", "reading");

        Assert.True(r.ExitCode == 0, r.ToString());
        double truth = bmc.Sim.Truth("Host Power");
        int current = Watts(r.StdOut, "Instantaneous power reading");
        Assert.True(Math.Abs(current - truth) <= 1, $"shown {current} W, drawn {truth} W");
        Assert.True(Watts(r.StdOut, "Minimum during sampling period") < Watts(r.StdOut, "Maximum during sampling period"));
        Assert.InRange(Watts(r.StdOut, "Average power reading over sample period"), Watts(r.StdOut, "Minimum during sampling period"), current);
        Assert.Contains("Power reading state is:                   activated", r.StdOut);
    }

    [Fact]
    public async Task Power_reading_is_zero_and_deactivated_while_the_host_is_off()
    {
        await using var bmc = await InProcessBmc.StartAsync(time: InProcessBmc.SimulatedTime());
        bmc.Run(TimeSpan.FromSeconds(2));

        var r = await bmc.IpmitoolAsync("dcmi", "power", "reading");

        Assert.Equal(0, Watts(r.StdOut, "Instantaneous power reading"));
        Assert.Contains("Power reading state is:                   deactivated", r.StdOut);
    }

    private static int Watts(string output, string label)
    {
        Match m = Regex.Match(output, Regex.Escape(label) + @":\s+(\d+) Watts");
        Assert.True(m.Success, $"no '{label}' in:\n{output}");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
