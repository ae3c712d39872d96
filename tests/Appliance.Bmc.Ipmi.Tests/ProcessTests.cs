using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Appliance.Hw;
using Appliance.Ipmi;
using Appliance.Ipmi.Client;

namespace Appliance.Bmc.Ipmi.Tests;

/// <summary>
/// The real appliance-bmc process on a board served by appliance-board-sim: acknowledged SEL
/// entries survive kill -9, and neither a killed BMC nor an IPMI Cold Reset disturbs a running host.
/// </summary>
public sealed class ProcessTests
{
    private const byte AddSelEntry = 0x44;
    private const byte GetSelEntry = 0x43;

    [Fact]
    public async Task Every_acknowledged_sel_entry_survives_kill_9()
    {
        await using var rig = await ProcessRig.StartAsync();
        var acknowledged = new ConcurrentDictionary<int, ushort>(); // counter -> record ID
        int next = 0;
        int kills = 0;
        using var killed = new CancellationTokenSource();
        IpmiSession session = await rig.Client(TimeSpan.FromMilliseconds(500)).OpenSessionAsync();

        // Eight writers keep adds in flight; the kill lands right after the 400th acknowledgement.
        async Task WriterAsync()
        {
            while (!killed.IsCancellationRequested)
            {
                int counter = Interlocked.Increment(ref next);
                IpmiResponse response;
                try
                {
                    response = await session.SendAsync(NetFn.Storage, AddSelEntry, Record(counter));
                }
                catch (IpmiTimeoutException)
                {
                    return; // the BMC is gone
                }

                Assert.Equal(0, response.CompletionCode);
                acknowledged[counter] = BinaryPrimitives.ReadUInt16LittleEndian(response.Data.Span);
                if (acknowledged.Count >= 400 && Interlocked.Exchange(ref kills, 1) == 0)
                {
                    rig.KillBmc();
                    await killed.CancelAsync();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(WriterAsync)));
        Assert.True(killed.IsCancellationRequested);
        await session.DisposeAsync();

        await rig.StartBmcAsync();
        Dictionary<ushort, byte[]> stored = await ReadSelAsync(rig);
        var list = await rig.IpmitoolAsync("sel", "list");

        Assert.True(acknowledged.Count >= 400);
        foreach ((int counter, ushort id) in acknowledged)
        {
            Assert.True(stored.TryGetValue(id, out byte[]? record), $"acknowledged entry {id} (#{counter}) is missing after kill -9");
            Assert.Equal(Record(counter).AsSpan(7).ToArray(), record.AsSpan(7).ToArray()); // generator onwards
        }

        Assert.True(Regex.Matches(list.StdOut, @"Temperature #0x30").Count >= acknowledged.Count, list.ToString());
    }

    [Fact]
    public async Task A_killed_bmc_comes_back_without_disturbing_a_running_host()
    {
        await using var rig = await ProcessRig.StartAsync();
        var on = await rig.IpmitoolAsync("chassis", "power", "on");
        Assert.True(on.ExitCode == 0, on.ToString());
        await Wait.UntilAsync(() => rig.BoardStatus().HostState == "Running", "the host to boot");
        var before = rig.BoardStatus();

        rig.KillBmc();
        await rig.StartBmcAsync();
        var status = await rig.IpmitoolAsync("chassis", "status");
        // Whatever the new BMC does to the lines on its way up, it has done once it says it is ready.
        await Wait.UntilAsync(() => rig.BmcLog().Contains("BMC ready", StringComparison.Ordinal), "the BMC to finish starting", seconds: 60);
        var after = rig.BoardStatus();

        Assert.Matches(@"System Power\s+: on", status.StdOut);
        Assert.Equal("Running", after.HostState);
        // The host saw no power, reset or NMI press: none counted, none still held.
        Assert.Equal((before.BootCount, before.ResetCount, before.NmiCount, before.AcpiShutdownCount),
            (after.BootCount, after.ResetCount, after.NmiCount, after.AcpiShutdownCount));
        Assert.DoesNotContain(new[] { LineNames.PowerOut, LineNames.ResetOut, LineNames.NmiOut }, line => after.Lines[line]);
        Assert.Contains("chassis power is On (read from PS_PWROK)", rig.BmcLog());
    }

    [Fact]
    public async Task Cold_reset_restarts_the_bmc_services_and_leaves_the_host_alone()
    {
        await using var rig = await ProcessRig.StartAsync();
        await rig.IpmitoolAsync("chassis", "power", "on");
        await Wait.UntilAsync(() => rig.BoardStatus().HostState == "Running", "the host to boot");
        int boots = rig.BoardStatus().BootCount;

        var reset = await rig.IpmitoolAsync("mc", "reset", "cold");
        await Wait.UntilAsync(() => rig.BmcLog().Contains("BMC services restarting", StringComparison.Ordinal), "the BMC to restart its services");
        await Wait.UntilAsync(() => Regex.Matches(rig.BmcLog(), "IPMI over LAN on udp").Count == 2, "IPMI to come back");
        var status = await rig.IpmitoolAsync("chassis", "status");

        Assert.Contains("Sent cold reset command to MC", reset.StdOut);
        Assert.Matches(@"System Power\s+: on", status.StdOut);
        Assert.Equal(boots, rig.BoardStatus().BootCount);
        Assert.Equal("Running", rig.BoardStatus().HostState);
    }

    /// <summary>A system event record whose event data carries the counter, so each one can be recognised.</summary>
    private static byte[] Record(int counter) =>
        [0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x41, 0x00, 0x04, 0x01, 0x30, 0x01, (byte)counter, (byte)(counter >> 8), (byte)(counter >> 16)];

    private static async Task<Dictionary<ushort, byte[]>> ReadSelAsync(ProcessRig rig)
    {
        var records = new Dictionary<ushort, byte[]>();
        await using IpmiSession session = await rig.Client().OpenSessionAsync();
        ushort id = 0;
        while (id != 0xFFFF)
        {
            ReadOnlyMemory<byte> data = await session.SendCheckedAsync(NetFn.Storage, GetSelEntry, new byte[] { 0, 0, (byte)id, (byte)(id >> 8), 0, 0xFF });
            byte[] record = data.Span[2..].ToArray();
            records[BinaryPrimitives.ReadUInt16LittleEndian(record)] = record;
            id = BinaryPrimitives.ReadUInt16LittleEndian(data.Span);
        }

        return records;
    }
}
