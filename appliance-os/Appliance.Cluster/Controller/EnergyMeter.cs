using System.Globalization;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The cluster's energy, from its BMCs' power readings: what the nodes that are on draw, integrated
/// over time (trapezoids between the controller's readings), and what the rack would have drawn with
/// every node on — each dormant node counted at the idle draw its BMC measured when it last ran (one
/// that never ran at the mean idle draw of those that did). Kept
/// in etcd (<see cref="Keys.Energy"/>), so a new controller carries the meter on; a sample every
/// <see cref="SampleEvery"/> for the power plot, kept <see cref="SamplesKept"/>. Each node's power
/// profile (idle, and full load extrapolated from busy readings) is learnt here too.
/// </summary>
public sealed class EnergyMeter(ClusterMember member, ILogger<EnergyMeter> logger)
{
    public static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan SamplesKept = TimeSpan.FromHours(24);
    private static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LongestGap = TimeSpan.FromMinutes(10);

    /// <summary>Watts per hardware thread from idle to full load when no busy reading was seen (the policy's estimate for a two-socket server).</summary>
    private const double EstimatedSpanPerThread = 1.9;

    private DateTimeOffset _lastSample;

    public async Task RoundAsync(EtcdStore store, PowerState state, IReadOnlyDictionary<string, double> vmCpuMhz, CancellationToken ct)
    {
        double watts = 0, allOn = 0;
        int on = 0;
        // A node that never ran (enrolled, dormant) has no measured draw: the rack's own nodes are alike, so the others' idle stands in.
        double? alikeIdle = state.Profiles.Count > 0 ? state.Profiles.Values.Average(p => p.IdleWatts) : null;
        foreach (var node in state.Cluster.Nodes.Values)
        {
            var reading = state.Cluster.BmcStatus.GetValueOrDefault(node.Name);
            if (reading?.Power == "on")
            {
                on++;
                double w = state.Now - reading.ReadAt < Fresh ? reading.Watts ?? 0 : 0;
                watts += w;
                allOn += w;
            }
            else if (state.Profiles.TryGetValue(node.Name, out var profile))
            {
                allOn += profile.IdleWatts;
            }
            else if (alikeIdle is { } estimate)
            {
                allOn += estimate;
            }
        }

        var entry = await store.GetEntryAsync(Keys.Energy, StoreJsonContext.Default.EnergyRecord, ct);
        if (entry is null)
        {
            await store.TxnAsync([EtcdStore.Absent(Keys.Energy), Guarded.Leader(member)],
                [EtcdStore.PutOp(Keys.Energy, new EnergyRecord(state.Now, state.Now, 0, 0, watts, allOn, on), StoreJsonContext.Default.EnergyRecord)], ct: ct);
        }
        else if (state.Now - entry.Value.At >= WriteEvery)
        {
            var last = entry.Value;
            double seconds = Math.Min((state.Now - last.At).TotalSeconds, LongestGap.TotalSeconds);
            var updated = new EnergyRecord(last.Since, state.Now,
                last.UsedJoules + ((last.Watts + watts) / 2 * seconds),
                last.AllOnJoules + ((last.AllOnWatts + allOn) / 2 * seconds),
                watts, allOn, on);
            await store.TxnAsync(Guarded.Unchanged(member, Keys.Energy, entry.ModRevision),
                [EtcdStore.PutOp(Keys.Energy, updated, StoreJsonContext.Default.EnergyRecord)], ct: ct);
        }

        if (state.Now - _lastSample >= SampleEvery)
        {
            _lastSample = state.Now;
            string key = Keys.PowerSamples + state.Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            await store.PutAsync(key, new PowerSampleRecord(state.Now, watts, allOn, on, state.Cluster.Nodes.Count), StoreJsonContext.Default.PowerSampleRecord, ct: ct);
            string oldest = Keys.PowerSamples + (state.Now - SamplesKept).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            await store.TxnAsync([], [new Etcdserverpb.RequestOp
            {
                RequestDeleteRange = new Etcdserverpb.DeleteRangeRequest
                {
                    Key = Google.Protobuf.ByteString.CopyFromUtf8(Keys.PowerSamples),
                    RangeEnd = Google.Protobuf.ByteString.CopyFromUtf8(oldest),
                },
            }], ct: ct);
        }

        await LearnProfilesAsync(store, state, vmCpuMhz, ct);
    }

    /// <summary>Idle: the lowest reading seen while the node ran. Full load: extrapolated from readings taken while its VMs kept it at least a quarter busy.</summary>
    private async Task LearnProfilesAsync(EtcdStore store, PowerState state, IReadOnlyDictionary<string, double> vmCpuMhz, CancellationToken ct)
    {
        foreach (var node in state.Cluster.Nodes.Values.Where(state.IsReady))
        {
            var reading = state.Cluster.BmcStatus.GetValueOrDefault(node.Name);
            if (reading is not { Power: "on", Watts: > 0 and var measured } || state.Now - reading.ReadAt > Fresh) continue;
            var capacity = node.Capacity!;
            double coreMhz = capacity.Mhz is > 0 and var m ? m : PowerView.NominalMhz;
            double busy = state.Wanted.Where(v => v.Value.Node == node.Name).Sum(v => vmCpuMhz.GetValueOrDefault(v.Value.Name)) / (capacity.Cpus * coreMhz);
            var old = state.Profiles.GetValueOrDefault(node.Name);
            double idle = Math.Min(old?.IdleWatts ?? measured, measured);
            double full;
            bool fullMeasured = old?.FullLoadMeasured ?? false;
            if (busy >= 0.25)
            {
                double extrapolated = idle + ((measured - idle) / Math.Min(1, busy));
                full = fullMeasured ? (0.8 * old!.FullLoadWatts) + (0.2 * extrapolated) : extrapolated;
                fullMeasured = true;
            }
            else
            {
                full = fullMeasured ? old!.FullLoadWatts : idle + (EstimatedSpanPerThread * capacity.Cpus);
            }
            full = Math.Max(full, idle);
            if (old is not null && Math.Abs(old.IdleWatts - idle) < 0.5 && Math.Abs(old.FullLoadWatts - full) < 1 && old.FullLoadMeasured == fullMeasured
                && state.Now - old.UpdatedAt < TimeSpan.FromMinutes(10)) continue;
            await store.PutAsync(Keys.PowerProfiles + node.Name, new PowerProfileRecord(idle, full, fullMeasured, state.Now), StoreJsonContext.Default.PowerProfileRecord, ct: ct);
            logger.LogDebug("{Node} draws {Idle:0} W idle, {Full:0} W at full load{How}", node.Name, idle, full, fullMeasured ? "" : " (estimated)");
        }
    }
}
