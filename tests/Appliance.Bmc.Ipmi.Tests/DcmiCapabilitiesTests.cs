namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>Get DCMI Capabilities Info: what ipmitool dcmi discover and FreeIPMI ipmi-dcmi show, and only what the BMC does.</summary>
public sealed class DcmiCapabilitiesTests
{
    [Fact]
    public async Task Discover_shows_the_lan_channel_the_sel_and_power_limiting()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("dcmi", "discover");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Out-of-band primary LAN channel available", r.StdOut);
        Assert.Contains("VLAN capable", r.StdOut);
        Assert.Contains("Power management available", r.StdOut); // the power limit commands
        Assert.DoesNotContain("In-band KCS channel available", r.StdOut);
        Assert.DoesNotContain("SOL enabled", r.StdOut);
        Assert.Contains("SEL automatic rollover is enabled", r.StdOut);
        Assert.Contains($"{bmc.Host.Sel.Capacity} SEL entries", r.StdOut);
        Assert.Matches(@"Identification Attributes: \s+GUID\s+Temperature Monitoring Attributes: \s+Optional", r.StdOut); // GUID only, no temperature commands
        Assert.Contains("Slave address of device: 20h (BMC)", r.StdOut);
        Assert.Contains("Primary LAN channel number: 1 is available", r.StdOut);
        Assert.Contains("Secondary LAN channel is not available for OOB", r.StdOut);
        Assert.Contains("No serial channel is available", r.StdOut);
    }

    [Fact]
    public async Task Freeipmi_reads_the_same_attributes_including_how_the_sel_rolls_over()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.FreeIpmiAsync("ipmi-dcmi", "--get-dcmi-capability-info");
        var enhanced = await bmc.FreeIpmiAsync("ipmi-dcmi", "--get-enhanced-system-power-statistics");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"DCMI Specification Conformance\s+: 1\.5", r.StdOut);
        Assert.Matches(@"Power Management / Monitoring Support\s+: Available", r.StdOut);
        Assert.Matches($@"Number of SEL entries\s+: {bmc.Host.Sel.Capacity}\n", r.StdOut);
        Assert.Matches(@"Record Level SEL Flush upon Rollover\s+: Available", r.StdOut); // the oldest entry goes, one at a time
        Assert.Matches(@"Entire SEL Flush upon Rollover\s+: Not present", r.StdOut);
        Assert.Matches(@"Asset Tag\s+: Not present", r.StdOut);
        Assert.Matches(@"Sampling frequency for Temperature Monitoring\s+: Every 1 Second\(s\)", r.StdOut);
        Assert.Matches(@"Primary LAN Out-of-band Channel Number\s+: 1\n", r.StdOut);
        Assert.True(enhanced.ExitCode == 0, enhanced.ToString());
        Assert.Equal("", enhanced.StdOut.Trim()); // no rolling average periods offered
    }

    [Theory]
    [InlineData("0xdc 0x00", "0x80")] // parameter 0 does not exist
    [InlineData("0xdc 0x06", "0x80")] // nor does 6
    [InlineData("0xdc", "0xc7")]
    [InlineData("0xdc 0x01 0x00", "0xc7")]
    [InlineData("0xdd 0x01", "0xcc")] // not the DCMI group extension
    public async Task Unknown_parameters_and_malformed_requests_are_refused(string data, string code)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync(["raw", "0x2c", "0x01", .. data.Split(' ')]);

        Assert.Contains("rsp=" + code, r.StdErr);
        bmc.AssertNoFaults();
    }
}
