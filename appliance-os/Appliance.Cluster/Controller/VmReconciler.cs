using System.Collections.Concurrent;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Node.Client;
using Etcdserverpb;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Brings VMs to what their records say, from etcd alone (a new controller picks up where the last
/// one stopped): a pending VM is placed and created through its node's agent; a VM to delete is
/// deleted there; what the agents report is written back as the observed state. Every write is
/// conditional on the record being unchanged and on this node still being the controller.
/// </summary>
public sealed class VmReconciler(ClusterMember member, ILogger<VmReconciler> logger)
{
    private static readonly TimeSpan ObserveEvery = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, HttpClient> _agents = new();
    private DateTime _lastObserved;

    public async Task ReconcileAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var vms = await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct);
        if (vms.Count == 0) return;
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);
        var settings = (await store.GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct))?.Settings ?? ClusterSettings.Default;

        foreach (var entry in vms)
        {
            var vm = entry.Value;
            try
            {
                if (vm.Desired == VmRecord.Deleted) await DeleteAsync(store, entry, snapshot, ct);
                else if (vm.Node is null) await PlaceAsync(store, entry, snapshot, vms.Select(v => v.Value), settings, ct);
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

    private async Task PlaceAsync(EtcdStore store, Entry<VmRecord> entry, ClusterSnapshot snapshot, IEnumerable<VmRecord> all, ClusterSettings settings, CancellationToken ct)
    {
        var vm = entry.Value;
        int vcpus = vm.Spec.Vcpus ?? 1;
        long memory = vm.Spec.MemoryMiB ?? 0;
        var ready = snapshot.Ready.Where(n => vm.RequestedNode is null || n.Name == vm.RequestedNode);
        string? node = ChooseNode(ready, all, vcpus, memory, settings);
        if (node is null)
        {
            string why = vm.RequestedNode is { } requested && !snapshot.Ready.Any(n => n.Name == requested)
                ? $"waiting for node {requested} to be ready"
                : $"no ready node has room for {vcpus} vCPUs and {memory} MiB";
            await WriteAsync(store, entry, vm with { Observed = Observed("pending", why) }, ct);
            return;
        }
        var placed = vm with { Node = node, Observed = Observed("creating", null) };
        if (await WriteAsync(store, entry, placed, ct) is { } revision)
        {
            logger.LogInformation("Placed VM {Vm} ({Vcpus} vCPUs, {Memory} MiB) on {Node}", vm.Name, vcpus, memory, node);
            await CreateAsync(store, entry with { Value = placed, ModRevision = revision }, snapshot, ct);
        }
    }

    /// <summary>The placement decision; the placement policy takes this method's place when it is wired in.</summary>
    public static string? ChooseNode(IEnumerable<NodeRecord> ready, IEnumerable<VmRecord> vms, int vcpus, long memoryMiB, ClusterSettings settings) =>
        BestFitPlacement.ChooseNode(ready, vms, vcpus, memoryMiB, settings);

    private async Task CreateAsync(EtcdStore store, Entry<VmRecord> entry, ClusterSnapshot snapshot, CancellationToken ct)
    {
        var vm = entry.Value;
        if (!snapshot.Nodes.TryGetValue(vm.Node!, out var node) || node.NodeAgent is null || !snapshot.IsAlive(node.Name))
        {
            await WriteAsync(store, entry, vm with { Observed = Observed("creating", $"waiting for node {vm.Node} to be ready") }, ct);
            return;
        }
        var agent = Agent(node.NodeAgent);
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
                details = await agent.CreateVmAsync(vm.Spec, ct);
                logger.LogInformation("Created VM {Vm} on {Node}: {State}", vm.Name, node.Name, details.State);
            }
            observed = Observed(details.State, null);
        }
        catch (NodeApiException e) when (e.Status is >= 400 and < 500)
        {
            logger.LogWarning("Node {Node} refused VM {Vm}: {Error}", node.Name, vm.Name, e.Message);
            observed = Observed("refused", e.Field is null ? e.Message : $"{e.Message} (field {e.Field})");
        }
        catch (Exception e) when (e is NodeApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
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
                await Agent(node.NodeAgent).DeleteVmAsync(vm.Name, ct);
            }
            catch (NodeApiException e) when (e.Status == 404)
            {
            }
            catch (Exception e) when (e is NodeApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
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
        foreach (var group in vms.Where(v => v.Value.Desired == VmRecord.Running && v.Value.Node is not null && v.Value.Observed.State is not ("creating" or "refused" or "pending"))
                     .GroupBy(v => v.Value.Node!))
        {
            if (!snapshot.IsAlive(group.Key) || !snapshot.Nodes.TryGetValue(group.Key, out var node) || node.NodeAgent is null)
            {
                foreach (var entry in group)
                    if (entry.Value.Observed.State != "unknown")
                        await WriteAsync(store, entry, entry.Value with { Observed = Observed("unknown", $"node {group.Key} is not ready") }, ct);
                continue;
            }
            IReadOnlyList<Node.Vms.VmSummary> onNode;
            try
            {
                onNode = await Agent(node.NodeAgent).ListVmsAsync(ct);
            }
            catch (Exception e) when (e is NodeApiException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                logger.LogDebug("Node {Node}'s agent did not list its VMs: {Error}", node.Name, e.Message);
                continue;
            }
            foreach (var entry in group)
            {
                var seen = onNode.FirstOrDefault(v => v.Name == entry.Value.Name);
                var observed = seen is null ? Observed("missing", $"node {node.Name} has no VM of this name") : Observed(seen.State, null);
                if (observed.State != entry.Value.Observed.State || observed.Message != entry.Value.Observed.Message)
                    await WriteAsync(store, entry, entry.Value with { Observed = observed }, ct);
            }
        }
    }

    /// <summary>Writes the record if it is unchanged and this node still leads; returns the new revision, or null when the write lost.</summary>
    private async Task<long?> WriteAsync(EtcdStore store, Entry<VmRecord> entry, VmRecord updated, CancellationToken ct)
    {
        bool sameObservation = updated.Observed.State == entry.Value.Observed.State && updated.Observed.Message == entry.Value.Observed.Message;
        if (sameObservation && (updated with { Observed = entry.Value.Observed }) == entry.Value) return entry.ModRevision;
        var txn = await store.TxnAsync(Guard(entry), [EtcdStore.PutOp(Keys.Vms + updated.Name, updated, StoreJsonContext.Default.VmRecord)], ct: ct);
        return txn.Succeeded ? txn.Header.Revision : null;
    }

    private Compare[] Guard(Entry<VmRecord> entry)
    {
        var leader = member.ControllerKey ?? throw new OperationCanceledException("no longer the controller");
        return [EtcdStore.Unchanged(Keys.Vms + entry.Value.Name, entry.ModRevision), EtcdStore.Created(leader.Key.ToStringUtf8(), leader.Rev)];
    }

    private static VmObserved Observed(string state, string? message) => new(state, message, DateTimeOffset.UtcNow);

    private NodeClient Agent(string url) =>
        new(_agents.GetOrAdd(url, u => new HttpClient { BaseAddress = new Uri(u.EndsWith('/') ? u : u + "/"), Timeout = TimeSpan.FromMinutes(2) }));
}
