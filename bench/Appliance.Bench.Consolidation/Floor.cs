using System.Diagnostics;

namespace Appliance.Bench.Consolidation;

/// <summary>
/// The least energy the day could take when every VM holds its memory: at each step, the fewest
/// hosts that hold the VMs' memory (best fit decreasing over the hosts that draw least when idle
/// first), with the step's CPU demand spread over them in proportion to their MIPS.
/// </summary>
public static class Floor
{
    public static RunResult Compute(Trace trace, IReadOnlyList<HostModel> hosts, Rules rules, IReadOnlyList<VmType>? vmTypes = null)
    {
        var clock = Stopwatch.StartNew();
        VmType[] types = vmTypes is null ? [.. Enumerable.Range(0, trace.VmCount).Select(v => VmType.For(v, trace.VmCount))] : [.. vmTypes];
        List<HostModel> used = HostsHolding(types.Select(t => t.MemoryMb), hosts);
        double mips = used.Sum(h => h.Mips);
        double joules = 0;
        for (int step = 0; step < trace.Steps; step++)
        {
            double demand = 0;
            for (int v = 0; v < types.Length; v++)
            {
                demand += trace.Utilization[v][step] / 100.0 * types[v].Mips;
            }

            double u = demand / mips;
            joules += used.Sum(h => h.Watts(u)) * trace.IntervalSeconds;
        }

        double kwh = joules / 3.6e6;
        return new RunResult
        {
            Rules = rules.Name,
            Policy = "floor",
            KWh = kwh,
            Slatah = 0,
            Pdm = 0,
            Slav = 0,
            Esv = 0,
            Migrations = 0,
            PowerOns = 0,
            PowerOffs = 0,
            Seconds = clock.Elapsed.TotalSeconds,
            Trace = trace.Folder,
        };
    }

    /// <summary>The hosts best fit decreasing opens to hold these memory sizes, taking hosts by idle draw, least first.</summary>
    public static List<HostModel> HostsHolding(IEnumerable<long> memoryMb, IReadOnlyList<HostModel> hosts)
    {
        var order = hosts.OrderBy(h => h.IdleWatts).ToList();
        var used = new List<HostModel>();
        var free = new List<long>();
        foreach (long m in memoryMb.OrderByDescending(m => m))
        {
            int best = -1;
            for (int i = 0; i < free.Count; i++)
            {
                if (free[i] >= m && (best < 0 || free[i] < free[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                if (used.Count == order.Count)
                {
                    throw new InvalidOperationException("the hosts cannot hold every VM's memory");
                }

                used.Add(order[used.Count]);
                free.Add(used[^1].MemoryMb);
                best = free.Count - 1;
            }

            free[best] -= m;
        }

        return used;
    }
}
