using System.Text.RegularExpressions;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>The management controller itself: identity, GUIDs, self test, channels, as ipmitool and FreeIPMI show them.</summary>
public sealed class McTests
{
    [Theory]
    [InlineData(17)]
    [InlineData(3)]
    [InlineData(null)]
    public async Task Mc_info_describes_the_bmc_its_ipmi_version_and_the_devices_it_supports(int? suite)
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync(suite, "mc", "info");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"Device ID\s+: 32", r.StdOut);
        Assert.Matches(@"IPMI Version\s+: 2\.0", r.StdOut);
        Assert.Matches(@"Device Available\s+: yes", r.StdOut);
        foreach (string support in new[] { "Sensor Device", "SDR Repository Device", "SEL Device", "FRU Inventory Device", "Chassis Device" })
        {
            Assert.Contains(support, r.StdOut);
        }

        Assert.DoesNotContain("Bridge", r.StdOut);
        bmc.AssertNoFaults();
    }

    [Fact]
    public async Task Without_a_suite_ipmitool_picks_suite_17_from_the_advertised_list()
    {
        // ipmitool asks Get Channel Cipher Suites first; a BMC that does not answer costs it a 10 s wait and a fallback.
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync((int?)null, "-v", "mc", "info");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Using best available cipher suite 17", r.All);
    }

    [Fact]
    public async Task Guids_are_the_bmcs_persistent_ones()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var ipmitool = await bmc.IpmitoolAsync("mc", "guid");
        var device = await bmc.FreeIpmiAsync("bmc-info", "--get-device-guid");
        var system = await bmc.FreeIpmiAsync("bmc-info", "--get-system-guid");

        Assert.True(ipmitool.ExitCode == 0, ipmitool.ToString());
        Assert.Matches(@"System GUID\s+: " + bmc.Host.SystemGuid, ipmitool.StdOut);
        Assert.Equal(bmc.Host.DeviceGuid.ToString(), device.StdOut.Trim());
        Assert.Equal(bmc.Host.SystemGuid.ToString(), system.StdOut.Trim());
        Assert.NotEqual(bmc.Host.DeviceGuid, bmc.Host.SystemGuid);
    }

    [Fact]
    public async Task Bmc_info_shows_the_device_and_the_lan_channel()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.FreeIpmiAsync("bmc-info");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"Device ID\s+: 32", r.StdOut);
        Assert.Matches(@"SDR Repository Device\s+: supported", r.StdOut);
        Assert.Matches(@"Bridge\s+: unsupported", r.StdOut);

        // FreeIPMI 1.6 also prints entries it never filled in after the real channels; the first is ours.
        Match channel = Regex.Match(r.StdOut, @"Channel Information\s+Channel Number\s+: (\d+)\s+Medium Type\s+: (.+)\n\s*Protocol Type\s+: (.+)\n\s*Active Session Count\s+: (\d+)\s+Session Support\s+: (.+)\n");
        Assert.True(channel.Success, r.StdOut);
        Assert.Equal(["1", "802.3 LAN", "IPMB-1.0", "1", "multi-session"], channel.Groups.Values.Skip(1).Select(g => g.Value.Trim()));
    }

    [Fact]
    public async Task Self_test_passes_and_reports_a_fru_eeprom_that_stops_answering()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var passed = await bmc.IpmitoolAsync("mc", "selftest");
        bmc.Sim.Faults.NackDevice("fru_eeprom");
        var failed = await bmc.IpmitoolAsync("mc", "selftest");

        Assert.True(passed.ExitCode == 0, passed.ToString());
        Assert.Contains("Selftest: passed", passed.StdOut);
        Assert.Contains("Selftest: device corrupted", failed.StdOut);
        Assert.Contains("FRU device not accessible", failed.StdOut);
        Assert.DoesNotContain("SEL device not accessible", failed.StdOut);
    }

    [Fact]
    public async Task Unknown_commands_get_c1_and_malformed_ones_c7_or_cc()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var unknown = await bmc.IpmitoolAsync("raw", "0x06", "0x99");
        var tooLong = await bmc.IpmitoolAsync("raw", "0x06", "0x01", "0x00");
        var badField = await bmc.IpmitoolAsync("raw", "0x00", "0x02", "0x09");

        Assert.Contains("rsp=0xc1", unknown.StdErr);
        Assert.Contains("rsp=0xc7", tooLong.StdErr);
        Assert.Contains("rsp=0xcc", badField.StdErr);
        bmc.AssertNoFaults();
    }
}
