using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// What becomes of the VMs of a node that went down without draining — lost and fenced, or shut down by
/// its OS — once it is sure to be off: HA VMs go back to pending (placed again, anywhere, waking a node if
/// need be) from <see cref="RestartedDisks"/>; the others wait for their node to come back.
/// </summary>
public sealed class HaRestarts(ClusterMember member, ILogger<HaRestarts> logger)
{
    public const string RestartedDisks = "its image with a fresh overlay: what it wrote on its old node is not carried over (no replicated storage)";

    /// <param name="cause">What happened to the node: <see cref="VmRestart.Fenced"/> or <see cref="VmRestart.ShutDown"/>.</param>
    /// <param name="waiting">The observed state of the VMs that wait for their node.</param>
    public async Task RestartAsync(EtcdStore store, string node, string cause, string waiting, CancellationToken ct)
    {
        foreach (var entry in await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct))
        {
            var vm = entry.Value;
            if (vm.Node != node || vm.Desired != VmRecord.Running) continue;
            if (!vm.Ha)
            {
                await ObserveAsync(store, entry, waiting, $"its node {node} {cause}; not HA, so it waits for {node} to come back", ct);
                continue;
            }
            var restart = new VmRestart(node, DateTimeOffset.UtcNow, (vm.Restarted?.Count ?? 0) + 1, RestartedDisks, cause);
            var pending = vm with
            {
                Node = null,
                RequestedNode = null,
                Restarted = restart,
                Observed = new VmObserved("pending", $"restarting elsewhere: its node {node} {cause}", DateTimeOffset.UtcNow),
            };
            var txn = await store.TxnAsync(Guarded.Unchanged(member, Keys.Vms + vm.Name, entry.ModRevision),
                [EtcdStore.PutOp(Keys.Vms + vm.Name, pending, StoreJsonContext.Default.VmRecord)], ct: ct);
            if (!txn.Succeeded) continue; // changed meanwhile: the next round looks again
            logger.LogWarning("Restarting HA VM {Vm} elsewhere: {Node} {Cause}", vm.Name, node, cause);
            await PowerLog.AppendAsync(store, node, "restart", $"HA VM {vm.Name} is started again on another node from {RestartedDisks}", ct);
        }
    }

    /// <summary>Writes what the cluster knows of a VM it cannot ask its node about, unless it says so already.</summary>
    public async Task ObserveAsync(EtcdStore store, Entry<VmRecord> entry, string stateName, string message, CancellationToken ct)
    {
        if (entry.Value.Observed.State == stateName && entry.Value.Observed.Message == message) return;
        var updated = entry.Value with { Observed = new VmObserved(stateName, message, DateTimeOffset.UtcNow) };
        await store.TxnAsync(Guarded.Unchanged(member, Keys.Vms + entry.Value.Name, entry.ModRevision),
            [EtcdStore.PutOp(Keys.Vms + entry.Value.Name, updated, StoreJsonContext.Default.VmRecord)], ct: ct);
    }

    /// <summary>A VM on a node that is not alive whose record already says what became of it (the reconciler leaves it so).</summary>
    public static bool Explained(VmObserved observed, string node) =>
        observed.State is "unknown" or "lost" || observed.Message?.StartsWith($"its node {node} ", StringComparison.Ordinal) == true;
}
