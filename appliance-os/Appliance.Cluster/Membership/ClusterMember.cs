using Appliance.Cluster.Etcd;
using Appliance.Cluster.State;
using Appliance.Node.Api;

namespace Appliance.Cluster.Membership;

/// <summary>
/// Where this node stands, for the API and the background work: its identity once it has joined,
/// its connection to etcd, its lease, and whether it is the controller.
/// </summary>
public sealed class ClusterMember
{
    private volatile NodeIdentity? _identity;
    private volatile EtcdStore? _store;

    public NodeIdentity? Identity => _identity;

    public EtcdStore? Store => _store;

    /// <summary>The node's current lease (0 while it has none).</summary>
    public long Lease { get; set; }

    /// <summary>The controller's election key while this node is the controller.</summary>
    public V3Electionpb.LeaderKey? ControllerKey { get; set; }

    public bool IsController => ControllerKey is not null;

    public void Attach(NodeIdentity identity, EtcdStore store)
    {
        _identity = identity;
        _store = store;
    }

    public void Detach()
    {
        _store = null;
        _identity = null;
        Lease = 0;
        ControllerKey = null;
    }

    /// <summary>The store, or the API's 503 when this node is not (yet) a member.</summary>
    public EtcdStore RequireStore() =>
        _store ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "this node is not a member of a cluster yet");

    public NodeIdentity RequireIdentity() =>
        _identity ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "this node is not a member of a cluster yet");
}
