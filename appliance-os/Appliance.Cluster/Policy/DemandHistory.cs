namespace Appliance.Cluster.Policy;

/// <summary>
/// The CPU demand the controller has observed: the cluster's total and each VM's, one sample per
/// <see cref="Record"/>, kept as long as the longest window needs. The controller owns one and
/// records every snapshot it hands the policy; a new controller starts with an empty one and so
/// waits a full window before powering anything off.
/// </summary>
public sealed class DemandHistory
{
    private readonly long keepTicks;
    private readonly List<Sample> cluster = [];
    private readonly Dictionary<string, List<Sample>> vms = new(StringComparer.Ordinal);

    public DemandHistory(TimeSpan keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, TimeSpan.Zero);
        keepTicks = keep.Ticks;
    }

    /// <summary>A history long enough for every window in <paramref name="settings"/>.</summary>
    public static DemandHistory For(PolicySettings settings)
    {
        TimeSpan keep = new[] { settings.PowerOnWindow, settings.PowerOffWindow, settings.DemandWindow }.Max();
        return new DemandHistory(keep);
    }

    /// <summary>When the oldest sample kept was taken; null before the first.</summary>
    public DateTimeOffset? Since => cluster.Count == 0 ? null : new DateTimeOffset(cluster[0].Ticks, TimeSpan.Zero);

    /// <summary>Adds the snapshot's demand. A snapshot at the time of the last one replaces it.</summary>
    public void Record(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        long now = snapshot.Now.UtcTicks;
        if (cluster.Count > 0 && now < cluster[^1].Ticks)
        {
            throw new ArgumentException(
                $"snapshot at {snapshot.Now:O} is older than the last one recorded ({new DateTimeOffset(cluster[^1].Ticks, TimeSpan.Zero):O})",
                nameof(snapshot));
        }

        double total = 0;
        foreach (VmSnapshot vm in snapshot.Vms)
        {
            total += vm.CpuMhz;
            if (!vms.TryGetValue(vm.Name, out List<Sample>? series))
            {
                series = [];
                vms.Add(vm.Name, series);
            }

            Append(series, new Sample(now, vm.CpuMhz));
        }

        Append(cluster, new Sample(now, total));
        long oldest = now - keepTicks;
        if (vms.Count > snapshot.Vms.Count)
        {
            // VMs gone from the cluster: forget them once their last sample is out of every window.
            foreach (string gone in vms.Where(kv => kv.Value.Count == 0 || kv.Value[^1].Ticks < oldest).Select(kv => kv.Key).ToList())
            {
                vms.Remove(gone);
            }
        }
    }

    /// <summary>The VM's highest CPU use over the window ending now, and at least <paramref name="current"/>.</summary>
    public double VmPeakMhz(string vm, DateTimeOffset now, TimeSpan window, double current)
    {
        double peak = current;
        if (vms.TryGetValue(vm, out List<Sample>? series))
        {
            long from = now.UtcTicks - window.Ticks;
            for (int i = series.Count - 1; i >= 0 && series[i].Ticks >= from; i--)
            {
                if (series[i].Ticks <= now.UtcTicks)
                {
                    peak = Math.Max(peak, series[i].CpuMhz);
                }
            }
        }

        return peak;
    }

    /// <summary>True when samples reach back to the window's start, so the whole window is known.</summary>
    public bool Covers(DateTimeOffset now, TimeSpan window) => cluster.Count > 0 && cluster[0].Ticks <= now.UtcTicks - window.Ticks;

    /// <summary>The cluster's lowest and highest total CPU demand over the window ending now.</summary>
    public (double Lowest, double Highest) ClusterDemand(DateTimeOffset now, TimeSpan window)
    {
        long from = now.UtcTicks - window.Ticks;
        double lowest = double.PositiveInfinity, highest = 0;
        for (int i = cluster.Count - 1; i >= 0 && cluster[i].Ticks >= from; i--)
        {
            if (cluster[i].Ticks <= now.UtcTicks)
            {
                lowest = Math.Min(lowest, cluster[i].CpuMhz);
                highest = Math.Max(highest, cluster[i].CpuMhz);
            }
        }

        return double.IsPositiveInfinity(lowest) ? (0, 0) : (lowest, highest);
    }

    private void Append(List<Sample> series, Sample sample)
    {
        if (series.Count > 0 && series[^1].Ticks == sample.Ticks)
        {
            series[^1] = sample;
        }
        else
        {
            series.Add(sample);
        }

        // Keep one sample at or before the window's start so a window can be shown to be covered.
        int drop = 0;
        while (drop + 1 < series.Count && series[drop + 1].Ticks <= sample.Ticks - keepTicks)
        {
            drop++;
        }

        if (drop > 0)
        {
            series.RemoveRange(0, drop);
        }
    }

    private readonly record struct Sample(long Ticks, double CpuMhz);
}
