using Appliance.Cluster.Configuration;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Membership;

/// <summary>This node's own record, as it registers itself.</summary>
public static class NodeRecords
{
    public static NodeRecord ForThisNode(ClusterOptions options, string phase, NodeCapacity? capacity, BmcEndpoint? bmc, NodeRecord? existing) => new(
        options.NodeName,
        phase,
        options.RackAddress.ToString(),
        options.Listen.ToString().TrimEnd('/'),
        options.NodeAgent.ToString().TrimEnd('/'),
        options.EtcdClientUrl.ToString().TrimEnd('/'),
        options.EtcdPeerUrl.ToString().TrimEnd('/'),
        capacity ?? existing?.Capacity,
        bmc ?? existing?.Bmc,
        existing?.EnrolledAt,
        existing?.JoinedAt ?? DateTimeOffset.UtcNow);
}
