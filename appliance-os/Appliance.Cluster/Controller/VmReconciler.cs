using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;
using Appliance.Node.Client;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Brings VMs to what their records say, from etcd alone (a new controller picks up where the last
/// one stopped): a pending VM is placed through the placement policy (<see cref="PowerManager.PlaceAsync"/>,
/// which wakes a dormant node when no node that is on has room) and created through its node's agent,
/// its images copied there first when missing; a VM to delete is deleted there; what the agents report
/// is written back as the observed state. Every write is conditional on the record being unchanged and
/// on this node still being the controller.
/// </summary>
public sealed class VmReconciler(ClusterMember member, PowerManager power, PowerTransitions transitions, NodeAgents agents, ImageCopier images,
    ILogger<VmReconciler> logger)
{
    private static readonly TimeSpan ObserveEvery = TimeSpan.FromSeconds(3);
    private DateTime _lastObserved;

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var vms = await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct);
        if (vms.Count == 0) return;
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);

        foreach (var entry in vms)
        {
            var vm = entry.Value;
            try
            {
                if (vm.Desired == VmRecord.Deleted) await DeleteAsync(store, entry, snapshot, ct);
                else if (vm.Node is null) await PlaceAsync(store, entry, snapshot, ct);
                else if (vm.Observed.State == "creating") await CreateAsync(store, entry, snapshot, ct);
            }
            catch (Grpc.Core.RpcException e)
            {
                logger.LogWarning("VM {Vm}: etcd failed ({Error}); trying again", vm.Name, e.Status.Detail);
            }
        }

        if (DateTime.UtcNow - _lastObserved >= ObserveEvery)
        {
            _lastObserved = DateTime.UtcNow;
            await ObserveAsync(store, await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct), snapshot, ct);
        }
    }

    private async Task PlaceAsync(EtcdStore store, Entry<VmRecord> entry, ClusterSnapshot snapshot, CancellationToken ct)
    {
        var vm = entry.Value;
        if (vm.RequestedNode is { } requested && !snapshot.Ready.Any(n => n.Name == requested))
        {
            await WriteAsync(store, entry, vm with { Observed = Observed("pending", $"waiting for node {requested} to be ready") }, ct);
            return;
        }
        var decision = await power.PlaceAsync(store, vm, ct);
        if (decision is not PlaceVm place)
        {
            string why = decision is WakeNode wake ? $"waking {wake.Node}: {wake.Reason}" : decision.Reason;
            // A restarted HA VM keeps saying why it is being placed again.
            if (vm.Restarted is { } restart && vm.Observed.Message?.StartsWith("restarting", StringComparison.Ordinal) == true)
                why = $"restarting elsewhere (its node {restart.From} {restart.Why}): {why}";
            await WriteAsync(store, entry, vm with { Observed = Observed("pending", why) }, ct);
            return;
        }
        // A VM that waited for its node to come on hears that it did.
        bool waited = vm.Observed.Message is { } before && before.Contains(place.Node, StringComparison.Ordinal);
        string starting = $"{(waited ? $"{place.Node} joined; " : "")}starting {vm.Name} on {place.Node}";
        // The progress goes in here rather than only at the write, for the create below carries this record on.
        var placed = (vm with { Node = place.Node, Observed = Observed("creating", starting) }).WithProgress(starting);
        if (await WriteAsync(store, entry, placed, ct) is { } revision)
        {
            logger.LogInformation("Placed VM {Vm} on {Node}: {Reason}", vm.Name, place.Node, place.Reason);
            await CreateAsync(store, entry with { Value = placed, ModRevision = revision }, snapshot, ct);
        }
    }

    private async Task CreateAsync(EtcdStore store, Entry<VmRecord> entry, ClusterSnapshot snapshot, CancellationToken ct)
    {
        var vm = entry.Value;
        if (!snapshot.Nodes.TryGetValue(vm.Node!, out var node) || node.NodeAgent is null || !snapshot.IsAlive(node.Name))
        {
            await WriteAsync(store, entry, vm with { Observed = Observed("creating", $"waiting for node {vm.Node} to be ready") }, ct);
            return;
        }
        var agent = agents.For(node.NodeAgent);
        VmObserved observed;
        try
        {
            Node.Vms.VmDetails details;
            try
            {
                details = await agent.GetVmAsync(vm.Name, ct); // made before the last controller could record it
            }
            catch (NodeApiException e) when (e.Status == 404)
            {
                var copied = await images.EnsureAsync(vm.Spec, node, snapshot.Ready, ct);
                if (copied.Count > 0) logger.LogInformation("Copied image {Images} to {Node} for VM {Vm}", string.Join(", ", copied), node.Name, vm.Name);
                details = await agent.CreateVmAsync(vm.Spec, ct);
                logger.LogInformation("Created VM {Vm} on {Node}: {State}", vm.Name, node.Name, details.State);
            }
            observed = Observed(details.State, vm.Restarted is { } r && r.At > vm.CreatedAt ? $"restarted from {r.Disks}" : null);
        }
        catch (NodeApiException e) when (e.Status is >= 400 and < 500)
        {
            logger.LogWarning("Node {Node} refused VM {Vm}: {Error}", node.Name, vm.Name, e.Message);
            observed = Observed("refused", e.Field is null ? e.Message : $"{e.Message} (field {e.Field})");
        }
        catch (Exception e) when (NodeAgents.Failed(e, ct))
        {
            observed = Observed("creating", $"node {node.Name}'s agent failed, trying again: {e.Message}");
        }
        await WriteAsync(store, entry, vm with { Observed = observed }, ct);
    }

    private async Task DeleteAsync(EtcdStore store, Entry<VmRecord> entry, ClusterSnapshot snapshot, CancellationToken ct)
    {
        var vm = entry.Value;
        if (vm.Node is not null && vm.Observed.State != "refused" && snapshot.Nodes.TryGetValue(vm.Node, out var node) && node.NodeAgent is not null)
        {
            if (!snapshot.IsAlive(node.Name))
            {
                await WriteAsync(store, entry, vm with { Observed = Observed("deleting", $"waiting for node {node.Name} to be ready") }, ct);
                return;
            }
            try
            {
                await agents.For(node.NodeAgent).DeleteVmAsync(vm.Name, ct);
            }
            catch (NodeApiException e) when (e.Status == 404)
            {
            }
            catch (Exception e) when (NodeAgents.Failed(e, ct))
            {
                await WriteAsync(store, entry, vm with { Observed = Observed("deleting", $"node {node.Name}'s agent failed, trying again: {e.Message}") }, ct);
                return;
            }
        }
        var txn = await store.TxnAsync(Guard(entry), [EtcdStore.DeleteOp(Keys.Vms + vm.Name)], ct: ct);
        if (txn.Succeeded) logger.LogInformation("Deleted VM {Vm}{From}", vm.Name, vm.Node is null ? "" : $" from {vm.Node}");
    }

    private async Task ObserveAsync(EtcdStore store, List<Entry<VmRecord>> vms, ClusterSnapshot snapshot, CancellationToken ct)
    {
        var observed = vms.Where(v => v.Value.Desired == VmRecord.Running && v.Value.Node is not null && !transitions.IsMigrating(v.Value.Name)
            && v.Value.Observed.State is not ("creating" or "refused" or "pending")).ToList();
        foreach (var group in observed.GroupBy(v => v.Value.Node!))
        {
            if (!snapshot.IsAlive(group.Key) || !snapshot.Nodes.TryGetValue(group.Key, out var node) || node.NodeAgent is null)
            {
                foreach (var entry in group)
                    if (!HaRestarts.Explained(entry.Value.Observed, group.Key))
                        await WriteAsync(store, entry, entry.Value with { Observed = Observed("unknown", $"node {group.Key} is not ready") }, ct);
                continue;
            }
            IReadOnlyList<Node.Vms.VmSummary> onNode;
            try
            {
                onNode = await agents.For(node.NodeAgent).ListVmsAsync(ct);
            }
            catch (Exception e) when (NodeAgents.Failed(e, ct))
            {
                logger.LogDebug("Node {Node}'s agent did not list its VMs: {Error}", node.Name, e.Message);
                continue;
            }
            foreach (var entry in group)
            {
                var seen = onNode.FirstOrDefault(v => v.Name == entry.Value.Name);
                string? message = seen is null ? $"node {node.Name} has no VM of this name"
                    : entry.Value.Observed.State == seen.State ? entry.Value.Observed.Message : null;
                if ((seen?.State ?? "missing") != entry.Value.Observed.State || message != entry.Value.Observed.Message)
                    await WriteAsync(store, entry, entry.Value with { Observed = Observed(seen?.State ?? "missing", message) }, ct);
            }
        }
        await RemoveStaleCopiesAsync(vms, snapshot, ct);
    }

    /// <summary>
    /// An HA VM restarted elsewhere leaves its old copy defined (and off: its node was fenced, or shut it
    /// down) on the node it was lost with. When that node is back, the old copy goes, so one VM never has two.
    /// </summary>
    private async Task RemoveStaleCopiesAsync(List<Entry<VmRecord>> vms, ClusterSnapshot snapshot, CancellationToken ct)
    {
        foreach (var vm in vms.Select(v => v.Value).Where(v => v.Restarted is not null && v.Node != v.Restarted.From && !transitions.IsMigrating(v.Name)))
        {
            string old = vm.Restarted!.From;
            if (!snapshot.IsAlive(old) || !snapshot.Nodes.TryGetValue(old, out var node) || node.NodeAgent is null) continue;
            var agent = agents.For(node.NodeAgent);
            try
            {
                var copy = (await agent.ListVmsAsync(ct)).FirstOrDefault(v => v.Name == vm.Name);
                if (copy is null) continue;
                if (copy.State is "running" or "paused")
                {
                    logger.LogError("VM {Vm} runs on {Old} as well as where it was restarted ({Node}); leaving it for a person", vm.Name, old, vm.Node);
                    continue;
                }
                await agent.DeleteVmAsync(vm.Name, ct);
                logger.LogInformation("Removed the copy of VM {Vm} left on {Old} (it was restarted on {Node} after {Old} {Cause})", vm.Name, old, vm.Node, old, vm.Restarted.Why);
            }
            catch (Exception e) when (NodeAgents.Failed(e, ct))
            {
                logger.LogDebug("Could not remove the old copy of {Vm} from {Old}: {Error}", vm.Name, old, e.Message);
            }
        }
    }

    /// <summary>Writes the record if it is unchanged and this node still leads; returns the new revision, or null when the write lost.</summary>
    private async Task<long?> WriteAsync(EtcdStore store, Entry<VmRecord> entry, VmRecord updated, CancellationToken ct)
    {
        if (updated.Observed.State is "pending" or "creating") updated = updated.WithProgress(updated.Observed.Message);
        bool sameObservation = updated.Observed.State == entry.Value.Observed.State && updated.Observed.Message == entry.Value.Observed.Message;
        if (sameObservation && (updated with { Observed = entry.Value.Observed }) == entry.Value) return entry.ModRevision;
        var txn = await store.TxnAsync(Guard(entry), [EtcdStore.PutOp(Keys.Vms + updated.Name, updated, StoreJsonContext.Default.VmRecord)], ct: ct);
        return txn.Succeeded ? txn.Header.Revision : null;
    }

    private Etcdserverpb.Compare[] Guard(Entry<VmRecord> entry) => Guarded.Unchanged(member, Keys.Vms + entry.Value.Name, entry.ModRevision);

    private static VmObserved Observed(string state, string? message) => new(state, message, DateTimeOffset.UtcNow);
}
