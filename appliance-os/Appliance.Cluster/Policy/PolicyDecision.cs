namespace Appliance.Cluster.Policy;

/// <summary>What the policy asks the controller to do, with a reason for the cluster's power log.</summary>
public abstract record PolicyDecision(string Reason);

/// <summary>Start the VM on this node.</summary>
public sealed record PlaceVm(string Vm, string Node, string Reason) : PolicyDecision(Reason);

/// <summary>Power this dormant node on (through its BMC).</summary>
public sealed record WakeNode(string Node, string Reason) : PolicyDecision(Reason);

/// <summary>Live-migrate these VMs; no node changes power.</summary>
public sealed record MigrateVms(IReadOnlyList<VmMove> Moves, string Reason) : PolicyDecision(Reason);

/// <summary>Live-migrate these VMs off the node, then power it off.</summary>
public sealed record PowerOffNode(string Node, IReadOnlyList<VmMove> Moves, string Reason) : PolicyDecision(Reason);

/// <summary>The node did not come back in time: mark it failed so it is skipped until a person clears it.</summary>
public sealed record MarkNodeFailed(string Node, string Reason) : PolicyDecision(Reason);

/// <summary>Nothing to do now.</summary>
public sealed record NoAction(string Reason) : PolicyDecision(Reason);

/// <summary>One VM's planned live migration.</summary>
public sealed record VmMove(string Vm, string From, string To);
