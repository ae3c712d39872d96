using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>DCMI power limits with ipmitool: the same cap the Redfish power limit Control shows, enforced by its exception action.</summary>
public sealed class PowerLimitTests
{
    [Fact]
    public async Task Ipmitool_sets_activates_and_reads_the_power_limit()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var none = await bmc.IpmitoolAsync("dcmi", "power", "get_limit");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("No Active Power Limit", none.StdOut);

        var set = await bmc.IpmitoolAsync("dcmi", "power", "set_limit", "limit", "420");
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Matches(@"Power Limit:\s+420 Watts", set.StdOut);
        var action = await bmc.IpmitoolAsync("dcmi", "power", "set_limit", "action", "power_off");
        Assert.True(action.ExitCode == 0, action.ToString());
        var correction = await bmc.IpmitoolAsync("dcmi", "power", "set_limit", "correction", "2000");
        Assert.True(correction.ExitCode == 0, correction.ToString());
        Assert.Equal(new PowerLimitSettings(420, PowerLimitException.HardPowerOff, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), false), bmc.Host.PowerLimit.Current);

        var activate = await bmc.IpmitoolAsync("dcmi", "power", "activate");
        Assert.True(activate.ExitCode == 0, activate.ToString());
        Assert.Contains("Power limit successfully activated", activate.StdOut);
        var get = await bmc.IpmitoolAsync("dcmi", "power", "get_limit");
        Assert.Contains("Power Limit Active", get.StdOut);
        Assert.Matches(@"Exception actions:\s+Hard Power Off & Log Event to SEL", get.StdOut);
        Assert.Matches(@"Correction time:\s+2000 milliseconds", get.StdOut);
        Assert.True(bmc.Host.PowerLimit.Current.Active);

        var deactivate = await bmc.IpmitoolAsync("dcmi", "power", "deactivate");
        Assert.True(deactivate.ExitCode == 0, deactivate.ToString());
        Assert.False(bmc.Host.PowerLimit.Current.Active);
        Assert.Equal(420, bmc.Host.PowerLimit.Current.LimitWatts);
    }

    [Fact]
    public async Task An_out_of_range_limit_gets_the_dcmi_code_and_changes_nothing()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.IpmitoolAsync("dcmi", "power", "set_limit", "limit", "420");

        var low = await bmc.IpmitoolAsync("raw", "0x2c", "0x04", "0xdc", "0", "0", "0", "0x11", "0x0a", "0x00", "0xe8", "0x03", "0", "0", "0", "0", "0x01", "0x00");
        Assert.NotEqual(0, low.ExitCode);
        Assert.Contains("rsp=0x84", low.StdErr);
        var action = await bmc.IpmitoolAsync("raw", "0x2c", "0x04", "0xdc", "0", "0", "0", "0x05", "0x2c", "0x01", "0xe8", "0x03", "0", "0", "0", "0", "0x01", "0x00");
        Assert.Contains("rsp=0xcc", action.StdErr);
        Assert.Equal(420, bmc.Host.PowerLimit.Current.LimitWatts);

        // Nothing to activate before a limit is set.
        bmc.Host.PowerLimit.Reset();
        var activate = await bmc.IpmitoolAsync("dcmi", "power", "activate");
        Assert.NotEqual(0, activate.ExitCode);
        Assert.False(bmc.Host.PowerLimit.Current.Active);
    }

    [Fact]
    public async Task A_host_above_an_active_limit_for_the_correction_time_is_logged_and_with_power_off_turned_off()
    {
        FakeTimeProvider time = InProcessBmc.SimulatedTime();
        await using var bmc = await InProcessBmc.StartAsync(time: time);
        bmc.Host.Power.Request(PowerAction.On);
        bmc.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(PowerState.On, bmc.Host.Power.State);
        double drawn = bmc.Host.PowerLimit.Reading ?? throw new InvalidOperationException("no host power reading");

        bmc.Host.PowerLimit.Set(PowerLimit.MinWatts, PowerLimitException.HardPowerOff, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1));
        Assert.True(drawn > PowerLimit.MinWatts);
        bmc.Host.PowerLimit.Activate(true);
        bmc.Run(TimeSpan.FromSeconds(2));
        Assert.Equal(PowerState.On, bmc.Host.Power.State);

        bmc.Run(TimeSpan.FromSeconds(10));
        Assert.Equal(PowerState.Off, bmc.Host.Power.State);
        SelRecord record = bmc.Host.Sel.Entries().Select(e => e.Record).Single(r => r.RecordType == PowerLimit.OemTimestampedRecord);
        Assert.Equal((PowerLimit.ExceededRecordCode, (byte)PowerLimitException.HardPowerOff), (record.SensorType, record.EventData3));
        Assert.Equal(PowerLimit.MinWatts, record.SensorNumber | record.EventDirType << 8);
    }
}
