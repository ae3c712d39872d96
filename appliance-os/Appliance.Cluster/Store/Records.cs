using Appliance.Node.Vms;

namespace Appliance.Cluster.Store;

/// <summary>/appliance/cluster: the cluster itself.</summary>
/// <param name="CaKeySealed">The CA's PKCS#8 key sealed under the cluster key: any member can sign a joining node's certificate.</param>
/// <param name="EtcdToken">etcd's --initial-cluster-token for every member.</param>
public sealed record ClusterRecord(string Name, DateTimeOffset CreatedAt, string CaCertificate, string CaKeySealed, string CaHash, string EtcdToken, ClusterSettings Settings);


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

/// <param name="Mhz">What one CPU (hardware thread) gives, from the firmware's processor table; null when the agent did not say.</param>
public sealed record NodeCapacity(int Cpus, long MemoryMiB, int? Mhz = null);

/// <summary>Where a node's BMC answers IPMI over LAN, and Redfish (the fall-back when IPMI does not answer).</summary>
/// <param name="Redfish">The BMC's Redfish service root, https://HOST[:PORT]; null: https://<see cref="Host"/> (port 443).</param>
public sealed record BmcEndpoint(string Host, int Port, string? Redfish = null)
{
    public Uri RedfishUrl => new(Redfish ?? $"https://{(Host.Contains(':') ? $"[{Host}]" : Host)}");

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

/// <summary>/appliance/power-log/TIME-NODE: a decision or power action of the cluster's, with its reason.</summary>
/// <param name="Action">What was done: see <see cref="Controller.PowerLog"/>'s actions.</param>
public sealed record PowerLogEntry(DateTimeOffset Time, string Node, string Action, string Reason);

/// <summary>/appliance/vms/NAME: what the VM should be and what the cluster last saw.</summary>
/// <param name="RequestedNode">The node the VM was asked for (--node), or null for "any".</param>
/// <param name="Desired">"running", or "deleted" while its deletion is pending.</param>
/// <param name="Node">The node it was placed on.</param>
/// <param name="Ha">Restarted on another node when its node is lost (once the lost node is fenced) or shut down by its OS (once its BMC says off).</param>
/// <param name="Restarted">The last HA restart: from which node, when, and what it means for its disks.</param>
/// <param name="Progress">Each message the cluster gave while placing and starting it, oldest first (the last
/// <see cref="ProgressKept"/>): a client that looks now and then still sees every step, however short.</param>
public sealed record VmRecord(string Name, VmSpec Spec, string? RequestedNode, string Desired, string? Node, VmObserved Observed, DateTimeOffset CreatedAt,
    bool Ha = false, VmRestart? Restarted = null, IReadOnlyList<string>? Progress = null)
{
    public const string Running = "running";
    public const string Deleted = "deleted";
    public const int ProgressKept = 20;

    /// <summary>This record with <paramref name="message"/> added to its progress, unless it is the last one there.</summary>
    public VmRecord WithProgress(string? message)
    {
        if (string.IsNullOrEmpty(message) || Progress?.LastOrDefault() == message) return this;
        return this with { Progress = [.. (Progress ?? []).TakeLast(ProgressKept - 1), message] };
    }
}

/// <param name="State">"pending" (not placed yet), "creating", the agent's state ("running", "shut off", ...),
/// "failed", "deleting", or "unknown" while its node is not ready.</param>
public sealed record VmObserved(string State, string? Message, DateTimeOffset UpdatedAt);

/// <summary>An HA restart: the VM's node was lost and fenced, or shut down by its OS, and the VM was started again elsewhere.</summary>
/// <param name="Disks">What the restarted VM booted from (no replicated storage: its image with a fresh overlay).</param>
/// <param name="Cause">What happened to its node, as in "its node node2 was lost and fenced"; null in records written before it was kept.</param>
public sealed record VmRestart(string From, DateTimeOffset At, int Count, string Disks, string? Cause = null)
{
    public const string Fenced = "was lost and fenced";
    public const string ShutDown = "was shut down by its OS";

    public string Why => Cause ?? Fenced;
}

/// <summary>/appliance/pins/NAME: a person keeps the node on (appliance node pin).</summary>
public sealed record NodePinRecord(DateTimeOffset At);

/// <summary>
/// /appliance/node-faults/NAME: why the cluster will not power the node on again until a person
/// clears it (appliance node clear). <see cref="Kind"/>: "power-on-failed" (it did not come back in
/// time), "fenced" (it was lost and the cluster powered it off), "fence-unconfirmed" (it was lost and
/// its BMC would not confirm it off: its VMs are not restarted anywhere).
/// </summary>
public sealed record NodeFaultRecord(string Kind, string Reason, DateTimeOffset At, DateTimeOffset? LastAttempt = null)
{
    public const string PowerOnFailed = "power-on-failed";
    public const string Fenced = "fenced";
    public const string FenceUnconfirmed = "fence-unconfirmed";
}

/// <summary>
/// /appliance/power-transition: the one power transition in flight. <see cref="Action"/> "on": steps
/// waking (asking the BMC), booting (the BMC said yes; the host has not joined), joining (its host is
/// up). "off": draining (live-migrating its VMs away), seat (handing its etcd seat over), shutting-down
/// (the BMC was asked for an ACPI shutdown), forcing-off (asked for a hard power-off after the shutdown
/// took too long).
/// </summary>
public sealed record PowerTransitionRecord(string Node, string Action, string Step, DateTimeOffset Since, DateTimeOffset StepSince, string Reason,
    IReadOnlyList<PlannedMove>? Moves = null, string? Message = null)
{
    public const string On = "on";
    public const string Off = "off";
}

/// <summary>One live migration of a power-off's drain.</summary>
public sealed record PlannedMove(string Vm, string From, string To);

/// <summary>/appliance/power-profiles/NAME: what the node's BMC measured while it ran (watts idle and, extrapolated, at full load).</summary>
/// <param name="FullLoadMeasured">False while no busy sample was seen: <see cref="FullLoadWatts"/> is then estimated from its capacity.</param>
public sealed record PowerProfileRecord(double IdleWatts, double FullLoadWatts, bool FullLoadMeasured, DateTimeOffset UpdatedAt);

/// <summary>/appliance/energy: the cluster's energy since metering started, and what every node on would have used.</summary>
public sealed record EnergyRecord(DateTimeOffset Since, DateTimeOffset At, double UsedJoules, double AllOnJoules, double Watts, double AllOnWatts, int NodesOn);

/// <summary>/appliance/power-samples/TIME: the cluster's power at one moment, for the power plot.</summary>
public sealed record PowerSampleRecord(DateTimeOffset At, double Watts, double AllOnWatts, int NodesOn, int Nodes);

/// <summary>/appliance/power-status: what the controller's power manager saw and decided last.</summary>
public sealed record PowerStatusRecord(DateTimeOffset At, string Controller, double DemandMhz, double CapacityMhz, double? Utilization, string Decision);

/// <summary>/appliance/web-logins/HASH and /appliance/web-sessions/HASH (under leases): the web page's one-time logins and sessions.</summary>
public sealed record WebSessionRecord(DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>/appliance/powered-off/NAME: the cluster powered this node off itself (so it is dormant, not lost), and why.</summary>
public sealed record PoweredOffRecord(DateTimeOffset At, string Reason);

/// <summary>
/// /appliance/shut-down/NAME: the node's cluster service stopped in good order (SIGTERM, as its OS's
/// shutdown stops it) and said so before it gave up <see cref="Lease"/>. Not under that lease, so that
/// it outlives it: the controller reads it once the lease is gone and the node's BMC says off.
/// </summary>
public sealed record ShutDownRecord(long Lease, DateTimeOffset At);
