using System.Buffers.Binary;
using System.Text;
using Appliance.Node.Metrics;

namespace Appliance.Node.Tests;

/// <summary>
/// The capacity the agent takes from the host's firmware (Node:Capacity:Smbios): hardware threads of the
/// populated processors and the sizes of the installed memory devices, from an SMBIOS table as Linux
/// shows it (/sys/firmware/dmi/tables/DMI) or as dmidecode --dump-bin writes it.
/// </summary>
public class SmbiosCapacityTests
{
    [Fact]
    public void Threads_of_populated_processors_and_sizes_of_installed_dimms_add_up()
    {
        byte[] table = Table(
            Processor(threads: 64, populated: true, "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", mhz: 2000),
            Processor(threads: 0, populated: false, null, mhz: 0),
            MemoryDevice(0x7FFF, extendedMiB: 32768),   // 32 GiB does not fit the Size field
            MemoryDevice(16384),
            MemoryDevice(0),                            // empty slot
            MemoryDevice(0xFFFF),                       // size unknown
            MemoryDevice(0x8000 | 1024));               // bit 15: the size is in KiB

        SmbiosCapacity capacity = SmbiosCapacity.Parse(table);

        Assert.Equal(64, capacity.Threads);
        Assert.Equal(32768 + 16384 + 1, capacity.MemoryMiB);
        Assert.Equal(("Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 2000), (capacity.CpuModel, capacity.Mhz));
    }

    [Fact]
    public void A_dump_with_its_entry_point_reads_as_the_table_it_points_at()
    {
        byte[] table = Table(Processor(threads: 300, populated: true, "big", mhz: 1000, threadCount2: true), MemoryDevice(2048));
        byte[] dump = new byte[0x20 + table.Length];
        "_SM3_"u8.CopyTo(dump);
        dump[6] = 0x18;
        dump[7] = 3;
        dump[8] = 3;
        BinaryPrimitives.WriteUInt32LittleEndian(dump.AsSpan(0x0C), (uint)table.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(dump.AsSpan(0x10), 0x20);
        table.CopyTo(dump, 0x20);

        SmbiosCapacity capacity = SmbiosCapacity.Parse(dump);
        Assert.Equal((300, 2048L), (capacity.Threads, capacity.MemoryMiB));
    }

    [Theory]
    [InlineData("no processor", "populated processor")]
    [InlineData("no memory", "memory device")]
    [InlineData("cut short", "length")]
    [InlineData("outside", "outside")]
    public void A_table_that_cannot_say_the_capacity_is_refused_with_the_reason(string damage, string reason)
    {
        byte[] data = damage switch
        {
            "no processor" => Table(Processor(threads: 8, populated: false, null, 0), MemoryDevice(1024)),
            "no memory" => Table(Processor(threads: 8, populated: true, "cpu", 1000), MemoryDevice(0)),
            "cut short" => Table(Processor(threads: 8, populated: true, "cpu", 1000))[..20],
            _ => [.. "_SM3_"u8, 0, 0x18, 3, 3, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0x20, 0, 0, 0, 0, 0, 0, 0],
        };

        var error = Assert.Throws<InvalidDataException>(() => SmbiosCapacity.Parse(data));
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public async Task An_agent_whose_smbios_table_is_missing_refuses_to_start_and_names_the_setting()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"appliance-smbios-{Guid.NewGuid():N}");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AgentHost.StartAsync("qemu:///system?socket=/nonexistent", dir,
                new Dictionary<string, string> { ["Capacity:Smbios"] = Path.Combine(dir, "no-such-DMI") }));
            Assert.Contains("Node:Capacity:Smbios", error.Message);
            Assert.Contains("no-such-DMI", error.Message);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] Table(params byte[][] structures) => [.. structures.SelectMany(s => s), 127, 4, 0xFF, 0xFE, 0, 0];

    private static byte[] Processor(int threads, bool populated, string? version, int mhz, bool threadCount2 = false)
    {
        byte[] p = new byte[0x30];
        p[0] = 4;
        p[1] = 0x30;
        p[0x04] = 1;
        p[0x10] = (byte)(version is null ? 0 : 2);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(0x16), (ushort)mhz);
        p[0x18] = (byte)(populated ? 0x41 : 0);
        p[0x25] = (byte)(threadCount2 ? 0xFF : threads);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(0x2E), (ushort)threads);
        return [.. p, .. Encoding.ASCII.GetBytes("CPU\0" + (version is null ? "" : version + "\0")), 0];
    }

    private static byte[] MemoryDevice(int size, uint extendedMiB = 0)
    {
        byte[] m = new byte[0x28];
        m[0] = 17;
        m[1] = 0x28;
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(0x0C), (ushort)size);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(0x1C), extendedMiB);
        m[0x10] = 1;
        return [.. m, .. "DIMM\0"u8, 0];
    }
}
