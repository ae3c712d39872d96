using Appliance.Node.Hypervisor;

namespace Appliance.Node.Api;

/// <summary>GET /api/v1/host: who this node is and how it runs guests.</summary>
public sealed record HostInfo(
    string? Hostname,
    string? HostUuid,
    string LibvirtUri,
    string LibvirtVersion,
    string HypervisorVersion,
    Acceleration Acceleration,
    NestedVirtualization NestedVirtualization,
    HostNetwork Network,
    HostMigration Migration,
    string StorageDirectory);

/// <param name="Datapath">The Open vSwitch datapath ("system" or "netdev"); null on a Linux bridge.</param>
public sealed record HostNetwork(string Mode, string Bridge, string? Datapath, IReadOnlyDictionary<string, int?> Networks);

public sealed record HostMigration(string PeerUri, string Address);
