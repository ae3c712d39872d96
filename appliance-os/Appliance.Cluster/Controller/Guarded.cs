using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Etcdserverpb;

namespace Appliance.Cluster.Controller;

/// <summary>The conditions of the controller's writes: the key is as it was read, and this node still holds the controller's election key.</summary>
internal static class Guarded
{
    public static Compare Leader(ClusterMember member)
    {
        var leader = member.ControllerKey ?? throw new OperationCanceledException("no longer the controller");
        return EtcdStore.Created(leader.Key.ToStringUtf8(), leader.Rev);
    }

    public static Compare[] Unchanged(ClusterMember member, string key, long modRevision) => [EtcdStore.Unchanged(key, modRevision), Leader(member)];
}
