using System.Text.Json.Serialization;
using Appliance.Cluster.Store;
using Appliance.Node.Vms;

namespace Appliance.Cluster.Api;

// The cluster API's request and response bodies (JSON, camelCase). Local ones travel on the control socket.

public sealed record InitRequest(string? Name);

/// <summary>The administrator's credential file (cluster.json): what the appliance command needs to reach the cluster.</summary>
public sealed record AdminCredentials(string Cluster, IReadOnlyList<string> Endpoints, string CaCertificate, string Certificate, string Key);

public sealed record LocalJoinRequest(string? Token, string? Server);

public sealed record LocalJoinResult(string Cluster, string Node);

public sealed record LocalStatus(string Node, bool Member, string? Cluster, bool Controller, string? Seat, int? EtcdPid, string? RackAddress, string? Listen);

/// <summary>A joining node's request: the token's ID and secret, its CSR and what the cluster should know about it.</summary>
public sealed record JoinRequest(
    string? TokenId,
    string? Secret,
    string? Node,
    string? RackAddress,
    string? Csr,
    NodeCapacity? Capacity,
    BmcEndpoint? Bmc,
    string? ClusterApi,
    string? NodeAgent,
    string? EtcdClientUrl,
    string? EtcdPeerUrl);

/// <summary>What a node needs to take part: its certificate, the CA, the cluster key and where etcd and the other nodes are.</summary>
public sealed record JoinResponse(string Cluster, string Certificate, string CaCertificate, string ClusterKey, IReadOnlyList<string> EtcdEndpoints, IReadOnlyList<string> ApiEndpoints);

/// <summary>The cluster's CA certificate, served without authentication so a joining node can check it against its token's hash.</summary>
public sealed record CaResponse(string Cluster, string CaCertificate);

public sealed record TokenRequest(double? TtlSeconds, int? Uses);

public sealed record TokenResponse(string Token, string Id, DateTimeOffset ExpiresAt, int Uses);

public sealed record TokenView(string Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int Uses, int UsesLeft, bool Expired);

public sealed record MemberView(string Name, string Id, string Role, IReadOnlyList<string> ClientUrls, bool Leader);

public sealed record ClusterStatus(
    string Name,
    string? Controller,
    int VotersTarget,
    IReadOnlyList<MemberView> Members,
    IReadOnlyDictionary<string, int> Nodes,
    ClusterSettings Settings,
    IReadOnlyList<string> ApiEndpoints,
    EnergyView? Energy,
    PowerStatusView? Power);

/// <summary>
/// The cluster's energy since metering began: used (the nodes that were on, by their BMCs' readings),
/// and what the rack would have used with every node on (dormant nodes at their measured idle draw).
/// </summary>
public sealed record EnergyView(DateTimeOffset Since, DateTimeOffset At, double UsedKWh, double AllOnKWh, double SavedKWh, double Watts, double AllOnWatts, int NodesOn);

/// <summary>What the power manager saw and decided last, and the power transition in flight.</summary>
public sealed record PowerStatusView(DateTimeOffset At, double DemandMhz, double CapacityMhz, double? Utilization, string Decision, PowerTransitionRecord? Transition);

/// <summary>A node as the API shows it. <see cref="State"/>: on, dormant, booting, joining, ready or lost.
/// <see cref="JoinRefused"/>: why the cluster refused its host's last join, as its BMC tells (null otherwise).</summary>
public sealed record NodeView(
    string Node,
    string State,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Watts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? RackAddress,
    string? Power,
    string? Seat,
    bool Controller,
    string Phase,
    NodeCapacity? Capacity,
    NodeAllocation Allocation,
    string? Bmc,
    bool BmcAccount,
    string? ClusterApi,
    string? NodeAgent,
    DateTimeOffset? JoinedAt,
    DateTimeOffset? EnrolledAt,
    bool Pinned,
    NodeFaultRecord? Fault,
    string? Transition,
    PowerProfileRecord? PowerProfile,
    string? JoinRefused,
    IReadOnlyList<PowerLogEntry>? PowerLog);

/// <summary>What the cluster's VM records place on a node.</summary>
public sealed record NodeAllocation(int Vms, int Vcpus, long MemoryMiB);

/// <param name="Redfish">The BMC's Redfish service root (https://HOST[:PORT]), the fall-back when IPMI does not answer; default https://HOST.</param>
public sealed record EnrollRequest(string? Name, string? Bmc, string? User, string? Password, string? Redfish = null);

public sealed record SeatHandoverResult(string Node, string Outcome);

public sealed record VmView(
    string Name,
    string? Node,
    string State,
    string Desired,
    int? Vcpus,
    int? MemoryMiB,
    string? Message,
    string? RequestedNode,
    DateTimeOffset CreatedAt,
    bool Ha,
    VmRestart? Restarted,
    VmSpec? Spec,
    IReadOnlyList<string> Progress);

/// <summary>The power plot's data: the cluster's samples, oldest first.</summary>
public sealed record PowerHistory(IReadOnlyList<PowerSampleRecord> Samples);

/// <summary>A one-time login for the cluster's web page: open the URL in a browser (within the TTL) to get a session.</summary>
public sealed record WebLogin(string Url, DateTimeOffset ExpiresAt);
