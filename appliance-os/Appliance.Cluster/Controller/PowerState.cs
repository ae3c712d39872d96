using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>Everything power management reads from etcd for one round: nodes and their leases, BMCs, VMs, marks, the transition in flight.</summary>
public sealed record PowerState(
    ClusterSnapshot Cluster,
    IReadOnlyList<Entry<VmRecord>> Vms,
    IReadOnlySet<string> Pins,
    IReadOnlyDictionary<string, Entry<NodeFaultRecord>> Faults,
    Entry<PowerTransitionRecord>? Transition,
    IReadOnlyDictionary<string, PowerProfileRecord> Profiles,
    IReadOnlyDictionary<string, PoweredOffRecord> PoweredOff,
    ClusterSettings Settings,
    DateTimeOffset Now)
{
    public static async Task<PowerState> ReadAsync(EtcdStore store, CancellationToken ct)
    {
        var cluster = await ClusterSnapshot.ReadAsync(store, ct);
        var vms = await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct);
        var pins = await store.ListAsync(Keys.Pins, StoreJsonContext.Default.NodePinRecord, ct);
        var faults = await store.ListAsync(Keys.NodeFaults, StoreJsonContext.Default.NodeFaultRecord, ct);
        var transition = await store.GetEntryAsync(Keys.PowerTransition, StoreJsonContext.Default.PowerTransitionRecord, ct);
        var profiles = await store.ListAsync(Keys.PowerProfiles, StoreJsonContext.Default.PowerProfileRecord, ct);
        var poweredOff = await store.ListAsync(Keys.PoweredOff, StoreJsonContext.Default.PoweredOffRecord, ct);
        var settings = (await store.GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct))?.Settings ?? ClusterSettings.Default;
        return new PowerState(cluster, vms, pins.Select(p => p.Name).ToHashSet(), faults.ToDictionary(f => f.Name),
            transition, profiles.ToDictionary(p => p.Name, p => p.Value), poweredOff.ToDictionary(p => p.Name, p => p.Value), settings, DateTimeOffset.UtcNow);
    }

    public PowerTransitionRecord? TransitionOf(string node) => Transition?.Value is { } t && t.Node == node ? t : null;

    /// <summary>A member whose host side is up and whose agent reported its capacity: it can run VMs.</summary>
    public bool IsReady(NodeRecord node) => Cluster.IsAlive(node.Name) && node.Phase == NodeRecord.Member && node.Capacity is { Cpus: > 0 };

    public bool HasBmcAccount(string node) => Cluster.WithBmcAccount.Contains(node) && Cluster.Nodes.TryGetValue(node, out var n) && n.Bmc is not null;

    public string? BmcPower(string node) => Cluster.BmcStatus.TryGetValue(node, out var s) ? s.Power : null;

    /// <summary>VMs that should run (not being deleted).</summary>
    public IEnumerable<Entry<VmRecord>> Wanted => Vms.Where(v => v.Value.Desired == VmRecord.Running);
}
