using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>The cluster's nodes as etcd has them now: records, who is alive (and under which lease), what their BMCs said,
/// which said they are shutting down (<see cref="Keys.ShutDown"/>).</summary>
public sealed record ClusterSnapshot(
    IReadOnlyDictionary<string, NodeRecord> Nodes,
    IReadOnlyDictionary<string, Entry<AliveRecord>> Alive,
    IReadOnlyDictionary<string, BmcStatusRecord> BmcStatus,
    IReadOnlySet<string> WithBmcAccount,
    IReadOnlyDictionary<string, ShutDownRecord> ShuttingDown)
{
    public static async Task<ClusterSnapshot> ReadAsync(EtcdStore store, CancellationToken ct)
    {
        var nodes = await store.ListAsync(Keys.Nodes, StoreJsonContext.Default.NodeRecord, ct);
        var alive = await store.ListAsync(Keys.Alive, StoreJsonContext.Default.AliveRecord, ct);
        var bmc = await store.ListAsync(Keys.BmcStatus, StoreJsonContext.Default.BmcStatusRecord, ct);
        var accounts = await store.ListAsync(Keys.BmcCredentials, StoreJsonContext.Default.BmcCredentialRecord, ct);
        var shutDown = await store.ListAsync(Keys.ShutDown, StoreJsonContext.Default.ShutDownRecord, ct);
        return new ClusterSnapshot(
            nodes.ToDictionary(n => n.Name, n => n.Value),
            alive.ToDictionary(a => a.Name),
            bmc.ToDictionary(b => b.Name, b => b.Value),
            accounts.Select(a => a.Name).ToHashSet(),
            shutDown.ToDictionary(s => s.Name, s => s.Value));
    }

    public bool IsAlive(string node) => Alive.ContainsKey(node);

    /// <summary>Nodes that can take VMs: alive members whose agent reported a capacity.</summary>
    public IEnumerable<NodeRecord> Ready => Nodes.Values.Where(n => IsAlive(n.Name) && n.Phase == NodeRecord.Member);
}
