using System.Security.Cryptography.X509Certificates;
using Appliance.Cluster.Security;

namespace Appliance.Cluster.State;

/// <summary>What a member node holds: its membership, the cluster CA, its own certificate (with key) and the cluster key.</summary>
public sealed record NodeIdentity(Membership Membership, X509Certificate2 Ca, X509Certificate2 Certificate, ClusterKey ClusterKey)
{
    public string ClusterName => Membership.Cluster;
    public string NodeName => Membership.Node;
}

/// <summary>membership.json: which cluster, who this node is in it, and where the cluster can be reached.</summary>
/// <param name="EtcdEndpoints">The voting members' client URLs, as last seen.</param>
/// <param name="ApiEndpoints">The cluster API of every node, as last seen.</param>
public sealed record Membership(string Cluster, string Node, IReadOnlyList<string> EtcdEndpoints, IReadOnlyList<string> ApiEndpoints);

/// <summary>etcd.json: the seat this node's etcd member was started for.</summary>
/// <param name="MemberId">etcd's member ID (hex).</param>
/// <param name="InitialCluster">etcd's --initial-cluster: name=peerURL,...</param>
/// <param name="ClusterState">"new" for the first member, "existing" for one added later.</param>
public sealed record EtcdSeat(string MemberId, string InitialCluster, string ClusterState, string InitialClusterToken);
