namespace Appliance.Cluster.Policy;

/// <summary>The cluster at one moment: every node, every VM, and the controller's clock.</summary>
public sealed record ClusterSnapshot(IReadOnlyList<NodeSnapshot> Nodes, IReadOnlyList<VmSnapshot> Vms, DateTimeOffset Now);
