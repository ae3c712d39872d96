using System.Globalization;

namespace Appliance.Node.Metrics;

/// <summary>Host CPU and memory counters from /proc.</summary>
public static class ProcStat
{
    /// <summary>Aggregate jiffies from the first "cpu" line of /proc/stat: (busy, total).</summary>
    public static (ulong Busy, ulong Total) ReadCpu(string path = "/proc/stat")
    {
        string line = File.ReadLines(path).First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => ulong.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
        ulong total = fields.Take(8).Aggregate(0UL, (a, b) => a + b);
        ulong idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        return (total - idle, total);
    }

    /// <summary>MemTotal and MemAvailable in KiB from /proc/meminfo.</summary>
    public static (ulong TotalKiB, ulong AvailableKiB) ReadMemory(string path = "/proc/meminfo")
    {
        ulong total = 0, available = 0;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = Kib(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = Kib(line);
        }
        return (total, available);
    }

    private static ulong Kib(string line) =>
        ulong.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
