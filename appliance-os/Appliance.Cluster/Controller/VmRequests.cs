using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Cluster.Api;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;
using Appliance.Node.Api;
using Appliance.Node.Configuration;
using Appliance.Node.Vms;
using VmRecord = Appliance.Cluster.Store.VmRecord;

namespace Appliance.Cluster.Controller;

/// <summary>
/// VM requests as any member takes them: checked, written to etcd as desired state, then followed
/// until the controller has acted (placed and created, or deleted). A spec the node's agent refuses
/// is removed again, so a refused create leaves nothing behind.
/// </summary>
public sealed class VmRequests(ClusterMember member)
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(90);

    public async Task<(int Status, VmView View)> CreateAsync(JsonNode? body, TimeSpan wait, CancellationToken ct)
    {
        if (body is not JsonObject json) throw ApiException.BadRequest("", "the request body must be a JSON VM spec");
        string? requestedNode = null;
        if (json["node"] is { } nodeField)
        {
            requestedNode = nodeField.GetValueKind() == JsonValueKind.String ? nodeField.GetValue<string>() : throw ApiException.BadRequest("node", "node must be a node's name");
            json.Remove("node");
        }
        bool ha = false;
        if (json["ha"] is { } haField)
        {
            ha = haField.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? haField.GetValue<bool>() : throw ApiException.BadRequest("ha", "ha must be true or false");
            json.Remove("ha");
        }
        VmSpec spec;
        try
        {
            spec = json.Deserialize(ClusterJsonContext.Default.VmSpec) ?? throw ApiException.BadRequest("", "the request body must be a JSON VM spec");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(e.Path?.TrimStart('$', '.') ?? "", $"the VM spec is not valid: {e.Message}");
        }
        Check(spec);

        var store = member.RequireStore();
        var state = await PowerState.ReadAsync(store, ct);
        if (requestedNode is not null)
        {
            if (!state.Cluster.Nodes.ContainsKey(requestedNode)) throw ApiException.BadRequest("node", $"there is no node named '{requestedNode}'");
            if (!state.Cluster.Ready.Any(n => n.Name == requestedNode))
                throw ApiException.Conflict($"node {requestedNode} is not ready to take VMs");
        }
        if (state.Vms.Any(v => v.Value.Name == spec.Name)) throw ApiException.Conflict($"a VM named '{spec.Name}' exists");
        CheckRoom(state, spec, requestedNode);

        var record = new VmRecord(spec.Name!, spec, requestedNode, VmRecord.Running, null, new VmObserved("pending", null, DateTimeOffset.UtcNow), DateTimeOffset.UtcNow, ha);
        var txn = await store.TxnAsync([EtcdStore.Absent(Keys.Vms + spec.Name)], [EtcdStore.PutOp(Keys.Vms + spec.Name, record, StoreJsonContext.Default.VmRecord)], ct: ct);
        if (!txn.Succeeded) throw ApiException.Conflict($"a VM named '{spec.Name}' exists");

        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var entry = await store.GetEntryAsync(Keys.Vms + spec.Name, StoreJsonContext.Default.VmRecord, ct);
            if (entry is null) throw ApiException.Conflict($"VM '{spec.Name}' was deleted while it was being created");
            var vm = entry.Value;
            if (vm.Observed.State == "refused")
            {
                await store.TxnAsync([EtcdStore.Unchanged(Keys.Vms + spec.Name, entry.ModRevision)], [EtcdStore.DeleteOp(Keys.Vms + spec.Name)], ct: ct);
                throw ApiException.BadRequest("spec", $"node {vm.Node} refused the VM: {vm.Observed.Message}");
            }
            if (vm.Observed.State is not ("pending" or "creating")) return (StatusCodes.Status201Created, ClusterViews.View(vm, withSpec: true));
            if (DateTime.UtcNow >= deadline) return (StatusCodes.Status202Accepted, ClusterViews.View(vm, withSpec: true));
            await Task.Delay(200, ct);
        }
    }

    public async Task<VmView?> DeleteAsync(string name, TimeSpan wait, CancellationToken ct)
    {
        var store = member.RequireStore();
        for (int attempt = 0; ; attempt++)
        {
            var entry = await store.GetEntryAsync(Keys.Vms + name, StoreJsonContext.Default.VmRecord, ct) ?? throw ApiException.NotFound($"no VM named '{name}'");
            if (entry.Value.Desired == VmRecord.Deleted) break;
            var txn = await store.TxnAsync([EtcdStore.Unchanged(Keys.Vms + name, entry.ModRevision)],
                [EtcdStore.PutOp(Keys.Vms + name, entry.Value with { Desired = VmRecord.Deleted }, StoreJsonContext.Default.VmRecord)], ct: ct);
            if (txn.Succeeded) break;
            if (attempt > 5) throw ApiException.Conflict($"VM '{name}' kept changing; try again");
        }

        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var vm = await store.GetValueAsync(Keys.Vms + name, StoreJsonContext.Default.VmRecord, ct);
            if (vm is null) return null;
            if (DateTime.UtcNow >= deadline) return ClusterViews.View(vm, withSpec: false);
            await Task.Delay(200, ct);
        }
    }

    /// <summary>
    /// Refuses a VM nothing could run: no ready node has room for it, no dormant node could be woken
    /// for it, and no power-on is under way that it could wait for. A VM that only needs a node woken is accepted.
    /// </summary>
    private static void CheckRoom(PowerState state, VmSpec spec, string? requestedNode)
    {
        var view = PowerView.Build(state, new Dictionary<string, double>(), controller: "");
        var snapshot = requestedNode is null ? view.Snapshot : view.Only(requestedNode);
        var vm = PowerView.VmOf(new VmRecord(spec.Name!, spec, requestedNode, VmRecord.Running, null, new VmObserved("pending", null, state.Now), state.Now), 0);
        var decision = new VmPlacement(state.Settings.ToPolicy()).Place(snapshot, DemandHistory.For(state.Settings.ToPolicy()), vm);
        if (decision is not NoAction || state.Transition is not null || (requestedNode is null && PowerView.UnknownDormant(state).Any())) return;
        string room = string.Join(", ", state.Cluster.Ready.Where(n => requestedNode is null || n.Name == requestedNode).Select(n =>
        {
            var placed = state.Wanted.Select(v => v.Value).Where(v => v.Node == n.Name).ToList();
            double vcpus = (n.Capacity?.Cpus ?? 0) * state.Settings.CpuOvercommit - placed.Sum(v => v.Spec.Vcpus ?? 0);
            double memory = (n.Capacity?.MemoryMiB ?? 0) * state.Settings.MemoryOvercommit - placed.Sum(v => (long)(v.Spec.MemoryMiB ?? 0));
            return string.Create(CultureInfo.InvariantCulture, $"{n.Name} {Math.Max(0, vcpus):0.#} vCPUs/{Math.Max(0, memory):0} MiB");
        }));
        throw ApiException.Conflict($"no ready node has room for {spec.Vcpus} vCPUs and {spec.MemoryMiB} MiB, and no dormant node could run it" +
            (room.Length > 0 ? $" (free: {room})" : " (no node is ready)"));
    }

    /// <summary>What the cluster checks itself; the node's agent checks the rest (images, networks) and its refusal is passed on.</summary>
    private static void Check(VmSpec spec)
    {
        if (!Names.IsValid(spec.Name))
            throw ApiException.BadRequest("name", spec.Name is null ? "name is required" : $"name '{spec.Name}' is invalid: {Names.Rule}");
        if (spec.Vcpus is not >= 1)
            throw ApiException.BadRequest("vcpus", "vcpus must be 1 or more");
        if (spec.MemoryMiB is not >= VmSpecValidator.MinMemoryMiB)
            throw ApiException.BadRequest("memoryMiB", $"memoryMiB must be {VmSpecValidator.MinMemoryMiB} or more");
        if (spec.Boot?.Kernel is null && spec.Disks is not { Count: > 0 })
            throw ApiException.BadRequest("disks", "a VM needs a disk to boot from (an image), or boot.kernel");
    }
}
