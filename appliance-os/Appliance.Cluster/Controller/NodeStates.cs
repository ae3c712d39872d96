using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// A node's state as people see it, from its records, its lease and its BMC:
/// ready (a member whose host side is up), joining (up, not through joining yet), booting (off or
/// down, its BMC says on, and it was powered on, by the cluster or by anyone at its BMC, less than
/// <see cref="BootWindow"/> ago),
/// on (its BMC says on, but the host has never been up in the cluster), lost (was a member, its host
/// side is down, its BMC says on or cannot say), dormant (its BMC says off, or an enrolled node not
/// yet heard of).
/// </summary>
public static class NodeStates
{
    public static readonly TimeSpan BootWindow = TimeSpan.FromMinutes(10);

    public static string Of(NodeRecord node, ClusterSnapshot snapshot, IReadOnlyList<PowerLogEntry> powerLog, DateTimeOffset now)
    {
        if (snapshot.IsAlive(node.Name)) return node.Phase == NodeRecord.Joining ? "joining" : "ready";
        string? power = snapshot.BmcStatus.TryGetValue(node.Name, out var bmc) ? bmc.Power : null;
        if (power == "off") return "dormant";
        if (power == "on")
        {
            var lastOn = powerLog.LastOrDefault(e => e.Node == node.Name && e.Action == "on");
            if (lastOn is not null && now - lastOn.Time < BootWindow) return "booting";
            if (bmc!.PoweredOnAt is { } poweredOn && now - poweredOn < BootWindow) return "booting";
            return node.Phase == NodeRecord.Enrolled ? "on" : "lost";
        }
        // A BMC that did not answer this time (a busy one) does not undo a boot seen starting.
        if (power is null && bmc?.PoweredOnAt is { } started && now - started < BootWindow) return "booting";
        return node.Phase == NodeRecord.Enrolled ? "dormant" : "lost";
    }
}
