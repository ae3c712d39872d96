using Appliance.Node.Vms;

namespace Appliance.Cluster.Store;

/// <summary>/appliance/cluster: the cluster itself.</summary>
/// <param name="CaKeySealed">The CA's PKCS#8 key sealed under the cluster key: any member can sign a joining node's certificate.</param>
/// <param name="EtcdToken">etcd's --initial-cluster-token for every member.</param>
public sealed record ClusterRecord(string Name, DateTimeOffset CreatedAt, string CaCertificate, string CaKeySealed, string CaHash, string EtcdToken, ClusterSettings Settings);

/// <summary>Placement settings: how far vCPUs and memory may be promised beyond a node's capacity.</summary>
public sealed record ClusterSettings(double CpuOvercommit, double MemoryOvercommit)
{
    public static readonly ClusterSettings Default = new(4.0, 1.0);
}

/// <summary>/appliance/nodes/NAME. <see cref="Phase"/>: "enrolled" (known by its BMC only), "joining", "member".</summary>
public sealed record NodeRecord(
    string Name,
    string Phase,
    string? RackAddress,
    string? ClusterApi,
    string? NodeAgent,
    string? EtcdClientUrl,
    string? EtcdPeerUrl,
    NodeCapacity? Capacity,
    BmcEndpoint? Bmc,
    DateTimeOffset? EnrolledAt,
    DateTimeOffset? JoinedAt)
{
    public const string Enrolled = "enrolled";
    public const string Joining = "joining";
    public const string Member = "member";
}

public sealed record NodeCapacity(int Cpus, long MemoryMiB);

/// <summary>Where a node's BMC answers IPMI over LAN.</summary>
public sealed record BmcEndpoint(string Host, int Port)
{
    public override string ToString() => Configuration.HostPort.Format(Host, Port);
}

/// <summary>/appliance/alive/NAME, under the node's lease.</summary>
public sealed record AliveRecord(string Node, DateTimeOffset Since);

/// <summary>/appliance/join-tokens/ID: only the secret's hash.</summary>
public sealed record TokenRecord(string Id, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int Uses, int UsesLeft);

/// <summary>/appliance/bmc-credentials/NAME: the node's dedicated BMC account.</summary>
/// <param name="PasswordSealed">The password sealed under the cluster key.</param>
/// <param name="Source">"in-band" (the node made it through its system interface) or "enroll" (made over LAN with an administrator's password, used once).</param>
public sealed record BmcCredentialRecord(string User, string PasswordSealed, int UserId, string Source, DateTimeOffset CreatedAt);

/// <summary>/appliance/bmc-status/NAME: what the node's BMC said last.</summary>
/// <param name="Power">"on", "off", or null when the BMC could not be asked.</param>
/// <param name="PoweredOnAt">When the cluster saw the power go from off to on (by anyone: the cluster, ipmitool, the
/// front panel), while it stays on; null when it was never seen off.</param>
/// <param name="JoinRefused">Why the cluster refused the node's join, as its host last reported to the BMC (Get Cluster
/// Membership); null unless the host's last report was a refusal.</param>
public sealed record BmcStatusRecord(string? Power, int? Watts, DateTimeOffset ReadAt, string? Error, DateTimeOffset? PoweredOnAt = null, string? JoinRefused = null);

/// <summary>/appliance/seat-released/NAME: the node gave up its etcd seat while it held this lease (to be powered off).</summary>
public sealed record SeatReleasedRecord(long Lease, DateTimeOffset At);

/// <summary>/appliance/seat-handover/NAME: a request to move a node's seat, and how it ended.</summary>
/// <param name="State">"requested", "done", "failed".</param>
public sealed record SeatHandoverRecord(string State, DateTimeOffset RequestedAt, string? Message);

/// <summary>/appliance/power-log/TIME-NODE: a power action the cluster took.</summary>
public sealed record PowerLogEntry(DateTimeOffset Time, string Node, string Action, string Reason);

/// <summary>/appliance/vms/NAME: what the VM should be and what the cluster last saw.</summary>
/// <param name="RequestedNode">The node the VM was asked for (--node), or null for "any".</param>
/// <param name="Desired">"running", or "deleted" while its deletion is pending.</param>
/// <param name="Node">The node it was placed on.</param>
public sealed record VmRecord(string Name, VmSpec Spec, string? RequestedNode, string Desired, string? Node, VmObserved Observed, DateTimeOffset CreatedAt)
{
    public const string Running = "running";
    public const string Deleted = "deleted";
}

/// <param name="State">"pending" (not placed yet), "creating", the agent's state ("running", "shut off", ...),
/// "failed", "deleting", or "unknown" while its node is not ready.</param>
public sealed record VmObserved(string State, string? Message, DateTimeOffset UpdatedAt);
