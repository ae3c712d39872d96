using System.Text;
using Appliance.Hw.Fru;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>FRU device 0, the board's EEPROM, through ipmitool and ipmi-fru.</summary>
public sealed class FruTests
{
    [Fact]
    public async Task Fru_print_shows_the_boards_eeprom()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        FruInfo fru = bmc.Sim.Description.Simulation.Fru;

        var r = await bmc.IpmitoolAsync("fru", "print");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("FRU Device Description : Builtin FRU Device (ID 0)", r.StdOut);
        Assert.Matches(@"Chassis Serial\s+: " + fru.ChassisSerialNumber, r.StdOut);
        Assert.Matches(@"Board Product\s+: " + fru.BoardProductName, r.StdOut);
        Assert.Matches(@"Board Serial\s+: " + fru.BoardSerialNumber, r.StdOut);
        Assert.Matches(@"Product Name\s+: " + fru.ProductName, r.StdOut);
        Assert.Matches(@"Product Serial\s+: " + fru.ProductSerialNumber, r.StdOut);
        Assert.Matches(@"Product Asset Tag\s+: " + fru.ProductAssetTag, r.StdOut);
    }

    [Fact]
    public async Task Ipmi_fru_shows_the_boards_eeprom()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        FruInfo fru = bmc.Sim.Description.Simulation.Fru;

        var r = await bmc.FreeIpmiAsync("ipmi-fru");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("FRU Board Manufacturer: " + fru.BoardManufacturer, r.StdOut);
        Assert.Contains("FRU Board Part Number: " + fru.BoardPartNumber, r.StdOut);
        Assert.Contains("FRU Product Part/Model Number: " + fru.ProductPartNumber, r.StdOut);
        Assert.Contains("FRU Chassis Part Number: " + fru.ChassisPartNumber, r.StdOut);
    }

    [Fact]
    public async Task Reads_return_the_eeproms_bytes_and_stop_at_its_end()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        byte[] eeprom = bmc.Sim.FruContents;

        var info = await bmc.IpmitoolAsync("raw", "0x0a", "0x10", "0x00");
        var head = await bmc.IpmitoolAsync("raw", "0x0a", "0x11", "0x00", "0x00", "0x00", "0x08");
        var tail = await bmc.IpmitoolAsync("raw", "0x0a", "0x11", "0x00", "0xfc", "0x00", "0x10");
        var beyond = await bmc.IpmitoolAsync("raw", "0x0a", "0x11", "0x00", "0x00", "0x01", "0x01");
        var otherDevice = await bmc.IpmitoolAsync("raw", "0x0a", "0x10", "0x01");

        Assert.Equal("00 01 00", info.StdOut.Trim()); // 256 bytes, byte access
        Assert.Equal("08 " + Hex(eeprom.AsSpan(0, 8)), head.StdOut.Trim());
        Assert.Equal("04 " + Hex(eeprom.AsSpan(252, 4)), tail.StdOut.Trim());
        Assert.Contains("rsp=0xc9", beyond.StdErr);
        Assert.Contains("rsp=0xcb", otherDevice.StdErr);
    }

    [Fact]
    public async Task Fru_writes_reach_the_eeprom_and_read_back()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.IpmitoolAsync("fru", "print"); // read (and keep) the contents first

        var write = await bmc.IpmitoolAsync("raw", "0x0a", "0x12", "0x00", "0xf0", "0x00", "0x41", "0x42", "0x43");
        var read = await bmc.IpmitoolAsync("raw", "0x0a", "0x11", "0x00", "0xf0", "0x00", "0x03");

        Assert.Equal("03", write.StdOut.Trim());
        Assert.Equal("ABC", Encoding.ASCII.GetString(bmc.Sim.FruContents.AsSpan(0xF0, 3)));
        Assert.Equal("03 41 42 43", read.StdOut.Trim());
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b);
}
