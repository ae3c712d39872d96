using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// A node's state as people see it, from its records, its lease, its BMC and the power transition in flight:
/// ready (a member whose host side is up), joining (its host is up and not through joining yet),
/// booting (the cluster is powering it on and its host is not up yet, or its BMC says on and it was
/// powered on by anyone at its BMC less than <see cref="BootWindow"/> ago), on (its BMC says on, but it
/// is not in the cluster: never joined, or its host said it is shutting down and its BMC does not say
/// off yet), lost (a member whose host side is gone while its BMC says on or cannot say), dormant (its
/// BMC says off, or an enrolled node not heard of yet).
/// </summary>
public static class NodeStates
{
    public static readonly TimeSpan BootWindow = TimeSpan.FromMinutes(10);

    public static string Of(NodeRecord node, ClusterSnapshot snapshot, PowerTransitionRecord? transition, DateTimeOffset now)
    {
        if (snapshot.IsAlive(node.Name)) return node.Phase == NodeRecord.Joining ? "joining" : "ready";
        string? power = snapshot.BmcStatus.TryGetValue(node.Name, out var bmc) ? bmc.Power : null;
        if (transition?.Node == node.Name)
        {
            if (transition.Action == PowerTransitionRecord.On) return transition.Step == "joining" ? "joining" : "booting";
            return power == "off" ? "dormant" : "on";
        }
        if (power == "off") return "dormant";
        if (snapshot.ShuttingDown.ContainsKey(node.Name)) return "on";
        if (power == "on")
        {
            if (bmc!.PoweredOnAt is { } poweredOn && now - poweredOn < BootWindow) return "booting";
            return node.Phase == NodeRecord.Enrolled ? "on" : "lost";
        }
        // A BMC that did not answer this time (a busy one) does not undo a boot seen starting.
        if (power is null && bmc?.PoweredOnAt is { } started && now - started < BootWindow) return "booting";
        return node.Phase == NodeRecord.Enrolled ? "dormant" : "lost";
    }
}
