using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;
using PolicySnapshot = Appliance.Cluster.Policy.ClusterSnapshot;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The cluster as the policy sees it, built from what etcd holds: every node whose capacity is known
/// and whose power is known, and the VMs on them. A node is On when it is a member with its lease and
/// capacity (PoweringOff while the cluster drains or shuts it down), PoweringOn while the cluster powers
/// it on, and Off when its BMC says off. Nodes the controller must not power off — pinned, the
/// controller's own node (it would cut its own work short), a node without the cluster's BMC account —
/// are Pinned; nodes it must not power on — marked by a fault until a person clears it, or without a
/// BMC account — are FailedToPowerOn. Lost nodes and nodes that are on but not in the cluster are left
/// out, with their VMs: the policy can neither use nor move them.
/// </summary>
public sealed record PowerView(PolicySnapshot Snapshot, IReadOnlyDictionary<string, string> LeftOut)
{
    /// <summary>A core's speed when the agent did not report one (hc1's base clock).</summary>
    public const int NominalMhz = 2000;

    /// <param name="vmCpuMhz">Each VM's observed CPU use (MHz), by name; VMs not in it count as idle.</param>
    /// <param name="controller">The controller's own node.</param>
    public static PowerView Build(PowerState state, IReadOnlyDictionary<string, double> vmCpuMhz, string controller)
    {
        var nodes = new List<NodeSnapshot>();
        var leftOut = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in state.Cluster.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var transition = state.TransitionOf(node.Name);
            bool account = state.HasBmcAccount(node.Name);
            NodePowerState? power = null;
            DateTimeOffset? since = null;
            if (transition?.Action == PowerTransitionRecord.On)
            {
                (power, since) = (NodePowerState.PoweringOn, transition.Since);
            }
            else if (transition?.Action == PowerTransitionRecord.Off)
            {
                (power, since) = (NodePowerState.PoweringOff, transition.Since);
            }
            else if (state.IsReady(node))
            {
                (power, since) = (NodePowerState.On, state.Cluster.Alive[node.Name].Value.Since);
            }
            else if (!state.Cluster.IsAlive(node.Name) && state.BmcPower(node.Name) == "off")
            {
                power = NodePowerState.Off;
            }

            if (power is null)
            {
                leftOut[node.Name] = state.Cluster.IsAlive(node.Name) ? "not through joining yet, or its agent has not reported its capacity"
                    : state.BmcPower(node.Name) == "on" ? (node.Phase == NodeRecord.Enrolled ? "on, but not in the cluster" : "lost")
                    : "its power is unknown (its BMC has not been read)";
                continue;
            }
            if (node.Capacity is not { Cpus: > 0 } capacity)
            {
                leftOut[node.Name] = "its capacity is unknown until it has booted and joined once";
                continue;
            }

            var profile = state.Profiles.GetValueOrDefault(node.Name);
            nodes.Add(new NodeSnapshot
            {
                Name = node.Name,
                State = power.Value,
                Cores = capacity.Cpus,
                CoreMhz = capacity.Mhz is > 0 and var mhz ? mhz : NominalMhz,
                MemoryMiB = capacity.MemoryMiB,
                MeasuredPower = profile is null ? null : new PowerProfile(profile.IdleWatts, profile.FullLoadWatts),
                Pinned = state.Pins.Contains(node.Name) || node.Name == controller || !account,
                FailedToPowerOn = state.Faults.ContainsKey(node.Name) || !account,
                StateSince = since,
            });
        }

        var placed = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var vms = new List<VmSnapshot>();
        foreach (var entry in state.Wanted)
        {
            var vm = entry.Value;
            if (vm.Observed.State == "refused") continue;
            if (vm.Node is not null && !placed.ContainsKey(vm.Node)) continue;
            vms.Add(VmOf(vm, vm.Node is null ? 0 : Math.Min(vmCpuMhz.GetValueOrDefault(vm.Name), (vm.Spec.Vcpus ?? 1) * placed[vm.Node].CoreMhz)));
        }
        return new PowerView(new PolicySnapshot(nodes, vms, state.Now), leftOut);
    }

    /// <summary>A VM record as the policy sees it: its size, where it runs and its CPU use.</summary>
    public static VmSnapshot VmOf(VmRecord vm, double cpuMhz) => new()
    {
        Name = vm.Name,
        Vcpus = Math.Max(1, vm.Spec.Vcpus ?? 1),
        MemoryMiB = vm.Spec.MemoryMiB ?? 0,
        CpuMhz = cpuMhz,
        Node = vm.Node,
    };

    /// <summary>The same cluster with only <paramref name="node"/> (and its VMs): placement on a node the VM was asked for.</summary>
    public PolicySnapshot Only(string node) => Snapshot with
    {
        Nodes = [.. Snapshot.Nodes.Where(n => n.Name == node)],
        Vms = [.. Snapshot.Vms.Where(v => v.Node is null || v.Node == node)],
    };

    /// <summary>Nodes the cluster could wake to learn what they hold: dormant, never joined, with the cluster's BMC account and no fault.</summary>
    public static IEnumerable<string> UnknownDormant(PowerState state) => state.Cluster.Nodes.Values
        .Where(n => n.Capacity is null && !state.Cluster.IsAlive(n.Name) && state.BmcPower(n.Name) == "off"
            && state.HasBmcAccount(n.Name) && !state.Faults.ContainsKey(n.Name))
        .Select(n => n.Name)
        .Order(StringComparer.Ordinal);
}
