using System.Diagnostics;
using Appliance.Libvirt;
using Appliance.Node.Hypervisor;

namespace Appliance.Node.Metrics;

/// <summary>Samples /proc and libvirt's domain stats every two seconds and keeps the utilisation of the last window.</summary>
public sealed class HostSampler(HypervisorConnection hypervisor, ILogger<HostSampler> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private Sample? _previous;
    private volatile HostUtilisation? _latest;

    public HostUtilisation? Latest => _latest;

    private sealed record Sample(long Timestamp, ulong Busy, ulong Total, Dictionary<string, ulong> VmCpuNs, ulong VmRssKiB);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                SampleOnce();
            }
            catch (Exception e) when (e is LibvirtException or HypervisorUnavailableException or IOException)
            {
                logger.LogWarning("Host metrics sample failed: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public void SampleOnce()
    {
        var (busy, total) = ProcStat.ReadCpu();
        var vmCpu = new Dictionary<string, ulong>(StringComparer.Ordinal);
        ulong rss = 0;
        foreach (var stats in hypervisor.Current.GetAllDomainStats(DomainStatsTypes.CpuTotal | DomainStatsTypes.Balloon, DomainListFlags.Active))
        {
            if (stats.Values.GetUInt64("cpu.time") is { } ns) vmCpu[stats.DomainUuid] = ns;
            rss += stats.Values.GetUInt64("balloon.rss") ?? 0;
        }
        var now = new Sample(Stopwatch.GetTimestamp(), busy, total, vmCpu, rss);
        if (_previous is { } before && now.Total > before.Total)
        {
            double seconds = Stopwatch.GetElapsedTime(before.Timestamp, now.Timestamp).TotalSeconds;
            // A VM that started (or restarted, as a snapshot revert does) within the window counts from zero.
            double vmCores = now.VmCpuNs.Sum(kv => (before.VmCpuNs.TryGetValue(kv.Key, out ulong was) && kv.Value >= was ? kv.Value - was : kv.Value) / 1e9) / seconds;
            var (memTotal, memAvailable) = ProcStat.ReadMemory();
            _latest = new HostUtilisation(
                Math.Round(100.0 * (now.Busy - before.Busy) / (now.Total - before.Total), 1),
                Math.Round(vmCores, 3),
                (long)((memTotal - memAvailable) / 1024),
                (long)(memAvailable / 1024),
                (long)(now.VmRssKiB / 1024),
                Math.Round(seconds, 2),
                DateTimeOffset.UtcNow);
        }
        _previous = now;
    }
}
