using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Bmc.Sel;
using Appliance.Hw.Sim.Physics;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>The System Event Log through ipmitool and ipmi-sel: listing with sensor names, adding, deleting, clearing, its clock.</summary>
public sealed class SelTests
{
    [Fact]
    public async Task Power_events_are_listed_under_their_sensors_name()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.IpmitoolAsync("chassis", "power", "on");
        await Wait.UntilAsync(() => bmc.Sim.HostState != HostPowerState.Off, "the host to power on");
        await Wait.UntilAsync(() => bmc.Host.Sel.Count == 1, "the power-on event");

        var list = await bmc.IpmitoolAsync("sel", "list");
        var elist = await bmc.IpmitoolAsync("sel", "elist");
        var freeipmi = await bmc.FreeIpmiAsync("ipmi-sel", "--output-event-state");

        Assert.Matches(@"(?m)^\s+1 \| \d\d/\d\d/\d\d \| \d\d:\d\d:\d\d UTC \| Power Unit #0xe0 \| Power off/down \| Deasserted$", list.StdOut);
        Assert.Matches(@"(?m)^\s+1 \| .* \| Power Unit Power Unit \| Power off/down \| Deasserted$", elist.StdOut);
        Assert.Matches(@"(?m)^1\s+\| .* \| Power Unit\s+\| Power Unit\s+\| Nominal\s+\| Power Off/Power Down$", freeipmi.StdOut);
    }

    [Fact]
    public async Task Add_sel_entry_stores_the_record_with_the_bmcs_id_and_timestamp()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        // A temperature upper non-critical going high assertion from system software (generator 41h).
        var add = await bmc.IpmitoolAsync("raw", "0x0a", "0x44", "0x00", "0x00", "0x02", "0x00", "0x00", "0x00", "0x00", "0x41", "0x00", "0x04", "0x01", "0x30", "0x01", "0x57", "0x61", "0x5f");
        var list = await bmc.IpmitoolAsync("sel", "list");
        var info = await bmc.IpmitoolAsync("sel", "info");

        Assert.Equal("01 00", add.StdOut.Trim());
        SelEntry stored = Assert.Single(bmc.Host.Sel.Entries());
        Assert.Equal((ushort)1, stored.Id);
        Assert.Equal(0x0041, stored.Record.GeneratorId);
        Assert.InRange(stored.Record.Timestamp, (uint)DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), (uint)DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.Matches(@"(?m)^\s+1 \| .* \| Temperature #0x30 \| Upper Non-critical going high \| Asserted$", list.StdOut);
        Assert.Matches(@"Entries\s+: 1", info.StdOut);
        Assert.Matches(@"Free Space\s+: 32752 bytes", info.StdOut);
    }

    [Fact]
    public async Task Record_types_outside_system_and_oem_are_refused()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("raw", "0x0a", "0x44", "0x00", "0x00", "0x10", "0x00", "0x00", "0x00", "0x00", "0x41", "0x00", "0x04", "0x01", "0x30", "0x01", "0x57", "0x61", "0x5f");
        var shortRecord = await bmc.IpmitoolAsync("raw", "0x0a", "0x44", "0x00", "0x00", "0x02");

        Assert.Contains("rsp=0xcc", r.StdErr);
        Assert.Contains("rsp=0xc7", shortRecord.StdErr);
        Assert.Equal(0, bmc.Host.Sel.Count);
    }

    [Fact]
    public async Task Platform_events_from_ipmitool_event_are_logged()
    {
        await using var bmc = await InProcessBmc.StartAsync();

        var r = await bmc.IpmitoolAsync("event", "1");
        var list = await bmc.IpmitoolAsync("sel", "list");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"(?m)^\s+1 \| .* \| Temperature #0x30 \| Upper Critical going high \| Asserted$", list.StdOut);
    }

    [Fact]
    public async Task Clearing_leaves_only_the_event_saying_the_log_was_cleared()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await bmc.IpmitoolAsync("event", "1");
        }

        var clear = await bmc.IpmitoolAsync("sel", "clear");
        var list = await bmc.IpmitoolAsync("sel", "elist");
        var freeipmiClear = await bmc.FreeIpmiAsync("ipmi-sel", "--clear");
        var freeipmiList = await bmc.FreeIpmiAsync("ipmi-sel");

        Assert.Contains("Clearing SEL", clear.StdOut);
        Assert.Matches(@"^4 \| .* \| Event Logging Disabled Event Log \| Log area reset/cleared \| Asserted$", list.StdOut.Trim());
        Assert.True(freeipmiClear.ExitCode == 0, freeipmiClear.ToString());
        SelEntry only = Assert.Single(bmc.Host.Sel.Entries());
        Assert.Equal((BuiltInSensors.EventLogging, BuiltInSensors.LogAreaClearedOffset), (only.Record.SensorNumber, only.Record.Offset));
        Assert.Matches(@"\| Event Log\s+\| Event Logging Disabled\s+\| Log Area Reset/Cleared", freeipmiList.StdOut);
    }

    [Fact]
    public async Task Delete_takes_one_entry_and_needs_the_current_reservation()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        for (int i = 0; i < 3; i++)
        {
            await bmc.IpmitoolAsync("event", "1");
        }

        var delete = await bmc.IpmitoolAsync("sel", "delete", "2");
        var staleReservation = await bmc.IpmitoolAsync("raw", "0x0a", "0x46", "0x00", "0x00", "0x01", "0x00");

        Assert.Contains("Deleted entry 2", delete.StdOut);
        Assert.Contains("rsp=0xc5", staleReservation.StdErr);
        Assert.Equal([(ushort)1, (ushort)3], bmc.Host.Sel.Entries().Select(e => e.Id));
    }

    [Fact]
    public async Task Partial_reads_need_the_current_reservation_and_follow_the_next_record_id()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        await bmc.IpmitoolAsync("event", "1");
        await bmc.IpmitoolAsync("event", "2");

        var reserve = await bmc.IpmitoolAsync("raw", "0x0a", "0x42");
        string[] id = reserve.StdOut.Trim().Split(' ');
        var part = await bmc.IpmitoolAsync("raw", "0x0a", "0x43", "0x" + id[0], "0x" + id[1], "0x00", "0x00", "0x02", "0x04");
        var stale = await bmc.IpmitoolAsync("raw", "0x0a", "0x43", "0x" + id[0], "0x" + (Convert.ToByte(id[1], 16) ^ 0x80).ToString("x2", CultureInfo.InvariantCulture), "0x00", "0x00", "0x02", "0x04");
        var last = await bmc.IpmitoolAsync("raw", "0x0a", "0x43", "0x00", "0x00", "0xff", "0xff", "0x00", "0xff");
        var missing = await bmc.IpmitoolAsync("raw", "0x0a", "0x43", "0x00", "0x00", "0x07", "0x00", "0x00", "0xff");

        // From offset 2 of record 1: next ID 0002h, then record type 02h and the timestamp's first three bytes.
        Assert.Matches(@"^02 00 02 [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}$", part.StdOut.Trim());
        Assert.Contains("rsp=0xc5", stale.StdErr);
        Assert.StartsWith("ff ff 02 00 02", last.StdOut.Trim());
        Assert.Contains("rsp=0xcb", missing.StdErr);
    }

    [Fact]
    public async Task Sel_time_can_be_set_and_stamps_new_entries()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        var when = new DateTimeOffset(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
        byte[] seconds = BitConverter.GetBytes((uint)when.ToUnixTimeSeconds());

        var set = await bmc.IpmitoolAsync(["raw", "0x0a", "0x49", .. seconds.Select(b => $"0x{b:x2}")]);
        var get = await bmc.IpmitoolAsync("sel", "time", "get");
        await bmc.IpmitoolAsync("event", "1");
        var list = await bmc.IpmitoolAsync("sel", "list");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.StartsWith("06/01/30 12:00:", get.StdOut.Trim());
        Assert.Matches(@"\| 06/01/30 \| 12:00:\d\d UTC \|", list.StdOut);
    }

    [Fact]
    public async Task Many_entries_are_listed_in_order_by_both_tools()
    {
        await using var bmc = await InProcessBmc.StartAsync();
        for (int i = 0; i < 60; i++)
        {
            bmc.Host.Sel.Add(BuiltInSensors.Event(BuiltInSensors.Watchdog, BuiltInSensors.Watchdog2Type, (byte)(i % 4)));
        }

        var ipmitool = await bmc.IpmitoolAsync("sel", "list");
        var freeipmi = await bmc.FreeIpmiAsync("ipmi-sel");

        int[] ipmitoolIds = Regex.Matches(ipmitool.StdOut, @"(?m)^\s+([0-9a-f]+) \|").Select(m => Convert.ToInt32(m.Groups[1].Value, 16)).ToArray();
        int[] freeipmiIds = Regex.Matches(freeipmi.StdOut, @"(?m)^(\d+)\s+\|").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(1, 60), ipmitoolIds);
        Assert.Equal(Enumerable.Range(1, 60), freeipmiIds);
        Assert.Contains("Watchdog2 #0xe1 | Hard reset | Asserted", ipmitool.StdOut);
    }
}
