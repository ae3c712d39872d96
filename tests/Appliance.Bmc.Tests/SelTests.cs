using Appliance.Bmc.Sel;
using Appliance.Bmc.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Appliance.Bmc.Tests;

public sealed class SelTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("sel-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void Entries_get_increasing_ids_and_timestamps_and_survive_reopening()
    {
        using (var sel = new SelLog(new BmcDatabase(_state), _time))
        {
            SelEntry first = sel.Add(Event(1));
            _time.Advance(TimeSpan.FromSeconds(90));
            SelEntry second = sel.Add(Event(2));

            Assert.Equal(1, first.Id);
            Assert.Equal(2, second.Id);
            Assert.Equal((uint)_time.GetUtcNow().ToUnixTimeSeconds(), second.Record.Timestamp);
            Assert.Equal(first.Record.Timestamp + 90, second.Record.Timestamp);
        }

        using var reopened = new SelLog(new BmcDatabase(_state), _time);
        Assert.Equal([1, 2], reopened.Entries().Select(e => (int)e.Id));
        Assert.Equal(2, reopened.Entries()[1].Record.SensorNumber);
        Assert.Equal(3, reopened.Add(Event(3)).Id);
    }

    [Fact]
    public void A_full_log_drops_its_oldest_entry_and_says_it_overflowed_until_cleared()
    {
        using var sel = new SelLog(new BmcDatabase(_state), _time, capacity: 4);
        for (byte i = 1; i <= 4; i++)
        {
            sel.Add(Event(i));
        }

        Assert.False(sel.Overflow);
        sel.Add(Event(5));

        Assert.True(sel.Overflow);
        Assert.Equal(4, sel.Count);
        Assert.Equal(new byte[] { 2, 3, 4, 5 }, sel.Entries().Select(e => e.Record.SensorNumber));

        sel.Clear();
        Assert.False(sel.Overflow);
        Assert.Equal(0, sel.Count);
        Assert.Equal(_time.GetUtcNow(), sel.LastErase);
        Assert.Equal(6, sel.Add(Event(6)).Id);
    }

    [Fact]
    public void Sel_time_set_by_an_operator_is_kept_across_restarts()
    {
        using (var sel = new SelLog(new BmcDatabase(_state), _time))
        {
            sel.SelTimeOffset = TimeSpan.FromHours(-3);
        }

        using var reopened = new SelLog(new BmcDatabase(_state), _time);
        Assert.Equal(_time.GetUtcNow() - TimeSpan.FromHours(3), reopened.SelTime);
        Assert.Equal((uint)(_time.GetUtcNow() - TimeSpan.FromHours(3)).ToUnixTimeSeconds(), reopened.Add(Event(1)).Record.Timestamp);
    }

    [Fact]
    public void Record_layout_round_trips_the_ipmi_bytes()
    {
        SelRecord record = SelRecord.SystemEvent(0x01, 3, 0x01, deassertion: true, 0x59, 96, 95) with { RecordId = 0x1234, Timestamp = 0x01020304 };
        byte[] bytes = record.ToBytes();

        Assert.Equal(new byte[] { 0x34, 0x12, 0x02, 0x04, 0x03, 0x02, 0x01, 0x20, 0x00, 0x04, 0x01, 0x03, 0x81, 0x59, 96, 95 }, bytes);
        Assert.Equal(record, SelRecord.Decode(bytes));
    }

    private static SelRecord Event(byte sensor) => SelRecord.SystemEvent(0x01, sensor, 0x01, deassertion: false, 0x57, 40, 35);
}
