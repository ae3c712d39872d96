namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>A factory reset (front panel, Redfish ResetToDefaults) puts IPMI's own settings back too.</summary>
public sealed class FactoryResetTests
{
    [Fact]
    public async Task The_key_the_hysteresis_and_the_valid_bit_clearing_go_back_to_factory_and_stay_there()
    {
        await using var first = await InProcessBmc.StartAsync();
        string key = new('7', 40);
        string[] keyBytes = Convert.FromHexString(key).Select(b => $"0x{b:x2}").ToArray();
        await first.IpmitoolAsync(["raw", "0x06", "0x56", "0x01", "0x01", "0x01", .. keyBytes]);
        await first.IpmitoolAsync("-y", key, "raw", "0x06", "0x56", "0x01", "0x02", "0x01"); // lock
        await first.IpmitoolAsync("-y", key, "raw", "0x04", "0x24", "0x03", "0xff", "0x07", "0x05");
        await first.IpmitoolAsync("-y", key, "raw", "0x00", "0x08", "0x03", "0x08");
        bool lockedBefore = first.Service.Keys.Locked;
        var hysteresisBefore = await first.IpmitoolAsync("-y", key, "raw", "0x04", "0x25", "0x03", "0xff");

        first.Host.FactoryReset.Run(InProcessBmc.AdminUser, InProcessBmc.AdminPassword);
        var withoutKey = await first.IpmitoolAsync("raw", "0x04", "0x25", "0x03", "0xff");
        await first.StopAsync();

        await using var restarted = await InProcessBmc.StartAsync(first.Sim, first.StateDirectory);
        var hysteresis = await restarted.IpmitoolAsync("raw", "0x04", "0x25", "0x03", "0xff");
        var clearing = await restarted.IpmitoolAsync("chassis", "bootparam", "get", "3");
        var authcap = await restarted.IpmitoolAsync("channel", "authcap", "1", "4");

        Assert.True(lockedBefore);
        Assert.Equal("07 05", hysteresisBefore.StdOut.Trim());
        Assert.Equal("02 02", withoutKey.StdOut.Trim()); // a session without K_g, and the board file's hysteresis
        Assert.Equal("02 02", hysteresis.StdOut.Trim());
        Assert.Contains("Boot parameter data: 00", clearing.StdOut);
        Assert.Matches(@"KG status\s+: default \(all zeroes\)", authcap.StdOut);
        Assert.False(restarted.Service.Keys.Locked);
    }
}
