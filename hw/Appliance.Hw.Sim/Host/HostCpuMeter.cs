using System.Globalization;

namespace Appliance.Hw.Sim.Host;

/// <summary>
/// The CPU time that a host's virtual machines use: the user and system time (/proc/PID/stat fields
/// 14 and 15, summed over all of a process's threads) of the QEMU processes whose network namespace
/// is the host's.
/// </summary>
public sealed class HostCpuMeter(string proc = "/proc")
{
    /// <summary>USER_HZ: the unit of /proc's CPU times, fixed at 100 by the Linux ABI.</summary>
    private const double TicksPerSecond = 100;

    private readonly Dictionary<int, long> _last = [];
    private string? _namespace;

    /// <summary>
    /// CPU seconds the host's QEMU processes used since the previous call for the same namespace; 0 on the
    /// first call (it only takes the baseline). A process that started in between counts from its start.
    /// </summary>
    public double Sample(string networkNamespace)
    {
        bool primed = _namespace == networkNamespace;
        _namespace = networkNamespace;
        var now = new Dictionary<int, long>();
        long used = 0;
        foreach (string entry in Directory.EnumerateDirectories(proc))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            long? ticks = QemuTicks(entry, networkNamespace);
            if (ticks is not long t)
            {
                continue;
            }

            now[pid] = t;
            used += t - _last.GetValueOrDefault(pid);
        }

        _last.Clear();
        foreach ((int pid, long t) in now)
        {
            _last[pid] = t;
        }

        return primed ? Math.Max(0, used) / TicksPerSecond : 0;
    }

    /// <summary>Forgets the baseline (the host went down).</summary>
    public void Reset()
    {
        _namespace = null;
        _last.Clear();
    }

    private static long? QemuTicks(string entry, string networkNamespace)
    {
        try
        {
            if (new FileInfo(Path.Combine(entry, "ns", "net")).LinkTarget != networkNamespace)
            {
                return null;
            }

            string stat = File.ReadAllText(Path.Combine(entry, "stat"));
            int open = stat.IndexOf('(', StringComparison.Ordinal);
            int close = stat.LastIndexOf(')');
            if (open < 0 || close < open || !stat.AsSpan(open + 1, close - open - 1).StartsWith("qemu-system", StringComparison.Ordinal))
            {
                return null;
            }

            // After "pid (comm) " come state (field 3) ... utime (14) and stime (15).
            string[] fields = stat[(close + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // The process ended while being read, or is not one to count.
            return null;
        }
    }
}
