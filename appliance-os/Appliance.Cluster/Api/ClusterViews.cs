using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Etcdserverpb;
using Grpc.Core;

namespace Appliance.Cluster.Api;

/// <summary>The cluster as the API shows it, read from etcd on each request (any member answers the same).</summary>
public sealed class ClusterViews(ClusterMember member)
{
    public async Task<ClusterStatus> StatusAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var cluster = await store.GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct)
            ?? throw new Node.Api.ApiException(StatusCodes.Status503ServiceUnavailable, "etcd holds no cluster record");
        var members = await store.MembersAsync(ct);
        ulong leader = await LeaderAsync(store, ct);
        var nodes = await NodesAsync(ct);
        var on = nodes.Count(n => n.State is "ready" or "joining");
        var energy = await store.GetValueAsync(Keys.Energy, StoreJsonContext.Default.EnergyRecord, ct);
        var power = await store.GetValueAsync(Keys.PowerStatus, StoreJsonContext.Default.PowerStatusRecord, ct);
        var transition = await store.GetValueAsync(Keys.PowerTransition, StoreJsonContext.Default.PowerTransitionRecord, ct);
        return new ClusterStatus(
            cluster.Name,
            await ControllerAsync(store, ct),
            SeatKeeper.TargetVoters(on),
            members.Select(m => new MemberView(m.Name, m.ID.ToString("x"), m.IsLearner ? "learner" : "voter", m.ClientURLs, m.ID == leader)).ToList(),
            nodes.GroupBy(n => n.State).ToDictionary(g => g.Key, g => g.Count()),
            cluster.Settings,
            nodes.Select(n => n.ClusterApi).OfType<string>().ToList(),
            energy is null ? null : new EnergyView(energy.Since, energy.At, KWh(energy.UsedJoules), KWh(energy.AllOnJoules),
                KWh(energy.AllOnJoules - energy.UsedJoules), Math.Round(energy.Watts), Math.Round(energy.AllOnWatts), energy.NodesOn),
            power is null && transition is null ? null
                : new PowerStatusView(power?.At ?? DateTimeOffset.UtcNow, power?.DemandMhz ?? 0, power?.CapacityMhz ?? 0, power?.Utilization, power?.Decision ?? "", transition));
    }

    private static double KWh(double joules) => Math.Round(joules / 3.6e6, 4);

    /// <summary>The cluster's power samples for the plot, oldest first.</summary>
    public async Task<PowerHistory> PowerHistoryAsync(CancellationToken ct) =>
        new((await member.RequireStore().ListAsync(Keys.PowerSamples, StoreJsonContext.Default.PowerSampleRecord, ct)).Select(s => s.Value).OrderBy(s => s.At).ToList());

    public async Task<IReadOnlyList<VmView>> VmsAsync(CancellationToken ct) =>
        (await member.RequireStore().ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct)).Select(v => View(v.Value, withSpec: false)).ToList();

    public async Task<IReadOnlyList<NodeView>> NodesAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);
        var context = await ContextAsync(store, ct);
        var views = new List<NodeView>();
        foreach (var node in snapshot.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
            views.Add(await ViewAsync(store, node, snapshot, context, withLog: false, ct));
        return views;
    }

    public async Task<NodeView?> NodeAsync(string name, CancellationToken ct)
    {
        var store = member.RequireStore();
        var snapshot = await ClusterSnapshot.ReadAsync(store, ct);
        if (!snapshot.Nodes.TryGetValue(name, out var node)) return null;
        return await ViewAsync(store, node, snapshot, await ContextAsync(store, ct), withLog: true, ct);
    }

    public static VmView View(VmRecord vm, bool withSpec) => new(
        vm.Name, vm.Node, vm.Observed.State, vm.Desired, vm.Spec.Vcpus, vm.Spec.MemoryMiB, vm.Observed.Message, vm.RequestedNode, vm.CreatedAt,
        vm.Ha, vm.Restarted, withSpec ? vm.Spec : null, vm.Progress ?? []);

    private static async Task<NodeView> ViewAsync(EtcdStore store, NodeRecord node, ClusterSnapshot snapshot, ViewContext context, bool withLog, CancellationToken ct)
    {
        var bmc = snapshot.BmcStatus.GetValueOrDefault(node.Name);
        var seat = context.Members.FirstOrDefault(m => m.Name == node.Name || context.Seats.GetValueOrDefault(node.Name)?.MemberId == m.ID.ToString("x"));
        var placed = context.Vms.Where(v => v.Node == node.Name && v.Desired == VmRecord.Running).ToList();
        return new NodeView(
            node.Name,
            NodeStates.Of(node, snapshot, context.Transition, DateTimeOffset.UtcNow),
            bmc?.Power == "on" ? bmc.Watts : bmc?.Power == "off" ? 0 : null,
            node.RackAddress,
            bmc?.Power,
            seat is null ? null : seat.IsLearner ? "learner" : "voter",
            context.Controller == node.Name,
            node.Phase,
            node.Capacity,
            new NodeAllocation(placed.Count, placed.Sum(v => v.Spec.Vcpus ?? 0), placed.Sum(v => (long)(v.Spec.MemoryMiB ?? 0))),
            node.Bmc?.ToString(),
            snapshot.WithBmcAccount.Contains(node.Name),
            node.ClusterApi,
            node.NodeAgent,
            node.JoinedAt,
            node.EnrolledAt,
            context.Pins.Contains(node.Name),
            context.Faults.GetValueOrDefault(node.Name),
            context.Transition?.Node == node.Name ? $"powering {context.Transition.Action}: {context.Transition.Step}" : null,
            context.Profiles.GetValueOrDefault(node.Name),
            node.Phase == NodeRecord.Member ? null : bmc?.JoinRefused,
            withLog ? (await PowerLog.ListAsync(store, node.Name, ct)) : null);
    }

    private static async Task<ViewContext> ContextAsync(EtcdStore store, CancellationToken ct) => new(
        await store.MembersAsync(ct),
        (await store.ListAsync(Keys.Seats, StoreJsonContext.Default.EtcdSeat, ct)).ToDictionary(s => s.Name, s => s.Value),
        (await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct)).Select(v => v.Value).ToList(),
        await ControllerAsync(store, ct),
        (await store.ListAsync(Keys.Pins, StoreJsonContext.Default.NodePinRecord, ct)).Select(p => p.Name).ToHashSet(),
        (await store.ListAsync(Keys.NodeFaults, StoreJsonContext.Default.NodeFaultRecord, ct)).ToDictionary(f => f.Name, f => f.Value),
        await store.GetValueAsync(Keys.PowerTransition, StoreJsonContext.Default.PowerTransitionRecord, ct),
        (await store.ListAsync(Keys.PowerProfiles, StoreJsonContext.Default.PowerProfileRecord, ct)).ToDictionary(p => p.Name, p => p.Value));

    /// <summary>The node the controller election chose, or null while there is none.</summary>
    public static async Task<string?> ControllerAsync(EtcdStore store, CancellationToken ct)
    {
        try
        {
            var leader = await store.Client.LeaderAsync(Keys.Controller, deadline: EtcdStore.NewDeadline(), cancellationToken: ct);
            return leader.Kv?.Value.ToStringUtf8();
        }
        catch (RpcException e) when (e.Status.Detail.Contains("no leader", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private static async Task<ulong> LeaderAsync(EtcdStore store, CancellationToken ct) =>
        (await store.Client.StatusAsync(new StatusRequest(), deadline: EtcdStore.NewDeadline(), cancellationToken: ct)).Leader;

    private sealed record ViewContext(
        IReadOnlyList<Member> Members,
        IReadOnlyDictionary<string, State.EtcdSeat> Seats,
        IReadOnlyList<VmRecord> Vms,
        string? Controller,
        IReadOnlySet<string> Pins,
        IReadOnlyDictionary<string, NodeFaultRecord> Faults,
        PowerTransitionRecord? Transition,
        IReadOnlyDictionary<string, PowerProfileRecord> Profiles);
}
