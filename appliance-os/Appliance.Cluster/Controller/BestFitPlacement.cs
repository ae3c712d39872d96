using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Where a new VM goes: the ready node it fits best — the fewest vCPUs left over, then the least
/// memory — with capacity stretched by the cluster's overcommit ratios. The placement policy
/// (Policy/) takes this method's place when it is wired in.
/// </summary>
public static class BestFitPlacement
{
    /// <summary>Free vCPUs and memory of a node after what is placed on it.</summary>
    public sealed record Room(string Node, double Vcpus, double MemoryMiB);

    public static Room RoomOn(NodeRecord node, IEnumerable<VmRecord> vms, ClusterSettings settings)
    {
        var placed = vms.Where(v => v.Node == node.Name && v.Desired == VmRecord.Running).ToList();
        var capacity = node.Capacity ?? new NodeCapacity(0, 0);
        return new Room(node.Name,
            capacity.Cpus * settings.CpuOvercommit - placed.Sum(v => v.Spec.Vcpus ?? 0),
            capacity.MemoryMiB * settings.MemoryOvercommit - placed.Sum(v => (long)(v.Spec.MemoryMiB ?? 0)));
    }

    /// <summary>The node for a VM of <paramref name="vcpus"/> and <paramref name="memoryMiB"/>, among <paramref name="ready"/>; null when none has room.</summary>
    public static string? ChooseNode(IEnumerable<NodeRecord> ready, IEnumerable<VmRecord> vms, int vcpus, long memoryMiB, ClusterSettings settings)
    {
        var placed = vms.ToList();
        return ready
            .Where(n => n.Capacity is { Cpus: > 0 } c && vcpus <= c.Cpus && memoryMiB <= c.MemoryMiB) // one VM never spans more than the host has
            .Select(n => RoomOn(n, placed, settings))
            .Where(r => r.Vcpus >= vcpus && r.MemoryMiB >= memoryMiB)
            .OrderBy(r => r.Vcpus - vcpus)
            .ThenBy(r => r.MemoryMiB - memoryMiB)
            .ThenBy(r => r.Node, StringComparer.Ordinal)
            .Select(r => r.Node)
            .FirstOrDefault();
    }
}
