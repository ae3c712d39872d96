using System.Globalization;

namespace Appliance.Node.Metrics;

/// <summary>Host CPU and memory counters from /proc. The sampler reads them every two seconds for as
/// long as the agent runs, so a read goes through a buffer on the stack rather than a reader with its
/// buffers and a string per line; the counters are in the first lines of each file.</summary>
public static class ProcStat
{
    // All of /proc/meminfo, and /proc/stat's aggregate first line on any host.
    private const int ReadSize = 4096;

    /// <summary>Aggregate jiffies from the first "cpu" line of /proc/stat: (busy, total).</summary>
    public static (ulong Busy, ulong Total) ReadCpu(string path = "/proc/stat")
    {
        Span<byte> buffer = stackalloc byte[ReadSize];
        ReadOnlySpan<byte> line = FindLine(Read(path, buffer), "cpu "u8);
        if (line.IsEmpty) throw new InvalidOperationException($"{path} has no aggregate 'cpu' line");
        // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
        ReadOnlySpan<byte> rest = line["cpu "u8.Length..];
        ulong total = 0, idle = 0;
        for (int i = 0; i < 8; i++)
        {
            ReadOnlySpan<byte> field = NextField(ref rest);
            if (field.IsEmpty) break;
            ulong jiffies = ulong.Parse(field, CultureInfo.InvariantCulture);
            total += jiffies;
            if (i is 3 or 4) idle += jiffies;
        }
        return (total - idle, total);
    }

    /// <summary>MemTotal and MemAvailable in KiB from /proc/meminfo.</summary>
    public static (ulong TotalKiB, ulong AvailableKiB) ReadMemory(string path = "/proc/meminfo")
    {
        Span<byte> buffer = stackalloc byte[ReadSize];
        ReadOnlySpan<byte> text = Read(path, buffer);
        return (Kib(FindLine(text, "MemTotal:"u8)), Kib(FindLine(text, "MemAvailable:"u8)));
    }

    private static ReadOnlySpan<byte> Read(string path, Span<byte> buffer)
    {
        using var file = File.OpenHandle(path);
        return buffer[..RandomAccess.Read(file, buffer, 0)];
    }

    private static ReadOnlySpan<byte> FindLine(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
            if (line.StartsWith(prefix)) return line;
            text = end < 0 ? default : text[(end + 1)..];
        }
        return default;
    }

    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest)
    {
        rest = rest.TrimStart((byte)' ');
        int end = rest.IndexOf((byte)' ');
        ReadOnlySpan<byte> field = end < 0 ? rest : rest[..end];
        rest = rest[field.Length..];
        return field;
    }

    // "MemTotal:       24684260 kB": the number after the colon; 0 when the line is missing.
    private static ulong Kib(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty) return 0;
        ReadOnlySpan<byte> rest = line[(line.IndexOf((byte)':') + 1)..];
        return ulong.Parse(NextField(ref rest), CultureInfo.InvariantCulture);
    }
}
