using System.Globalization;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The controller's power management, one round every couple of seconds: measure the VMs' CPU, hand
/// the policy (<see cref="PowerPolicy"/>, with the controller's <see cref="DemandHistory"/>) the cluster
/// as etcd has it, and carry its decision out — wake a node, drain and power one off, move VMs off a
/// node that is too busy — one power transition at a time; take nodes whose host shut down in good
/// order as dormant; fence lost nodes and restart their HA VMs;
/// meter the energy. New VMs are placed through <see cref="PlaceAsync"/> (<see cref="VmPlacement"/>),
/// which wakes a dormant node when no node that is on has room. Every decision and power action goes
/// to the power log with its reason.
/// </summary>
public sealed class PowerManager(
    ClusterOptions options,
    ClusterMember member,
    VmCpuMeter cpu,
    PowerTransitions transitions,
    Fencing fencing,
    OrderlyShutdowns shutdowns,
    EnergyMeter energy,
    ILogger<PowerManager> logger)
{
    private static readonly TimeSpan StatusEvery = TimeSpan.FromSeconds(10);
    private readonly Lock _historyLock = new();
    private DemandHistory? _history;
    private ClusterSettings? _historySettings;
    private PowerStatusRecord? _lastStatus;

    public async Task RoundAsync(CancellationToken ct)
    {
        var store = member.RequireStore();
        var state = await PowerState.ReadAsync(store, ct);
        await cpu.SampleAsync(state, ct);
        var mhz = cpu.Mhz;
        var view = PowerView.Build(state, mhz, options.NodeName);
        var history = Record(state.Settings, view.Snapshot);

        await energy.RoundAsync(store, state, mhz, ct);
        foreach (string back in state.PoweredOff.Keys.Where(state.Cluster.IsAlive))
            await store.DeleteAsync(Keys.PoweredOff + back, ct);
        await shutdowns.RoundAsync(store, state, ct);
        await fencing.RoundAsync(store, state, ct);

        string decided;
        if (state.Transition is { } transition)
        {
            await transitions.StepAsync(store, state, ct);
            decided = $"{transition.Value.Node} is powering {transition.Value.Action} ({transition.Value.Step}); one power transition at a time";
        }
        else
        {
            PolicyDecision decision;
            try
            {
                var policy = new PowerPolicy(state.Settings.ToPolicy());
                lock (_historyLock) decision = policy.Decide(view.Snapshot, history);
            }
            catch (ArgumentException e)
            {
                logger.LogWarning("The power policy cannot decide: {Error}", e.Message);
                return;
            }
            decided = decision.Reason;
            await ApplyAsync(store, state, decision, ct);
        }
        await WriteStatusAsync(store, state, view, decided, ct);
    }

    /// <summary>
    /// Where a pending VM goes: <see cref="PlaceVm"/> on a ready node; or, when none has room, a
    /// dormant node is woken for it (<see cref="WakeNode"/>, the VM waits); or <see cref="NoAction"/> with why it waits.
    /// </summary>
    public async Task<PolicyDecision> PlaceAsync(EtcdStore store, VmRecord vm, CancellationToken ct)
    {
        var state = await PowerState.ReadAsync(store, ct);
        var view = PowerView.Build(state, cpu.Mhz, options.NodeName);
        var snapshot = vm.RequestedNode is { } requested ? view.Only(requested) : view.Snapshot;
        var history = History(state.Settings);
        PolicyDecision decision;
        lock (_historyLock) decision = new VmPlacement(state.Settings.ToPolicy()).Place(snapshot, history, PowerView.VmOf(vm, 0));

        if (state.Transition?.Value is { } busy && decision is not PlaceVm)
            return new NoAction(Progress(busy));
        if (decision is NoAction && vm.RequestedNode is null && PowerView.UnknownDormant(state).FirstOrDefault() is { } unknown)
            decision = new WakeNode(unknown, $"{decision.Reason}; {unknown} has never run in the cluster, so its capacity is unknown until it boots: waking it");
        if (decision is WakeNode wake && !await transitions.BeginOnAsync(store, wake.Node, wake.Reason, ct))
            return new NoAction($"no node that is on has room; waiting for another node's power transition to finish");
        return decision;
    }

    /// <summary>What a VM waiting for a node's power transition is told, step by step.</summary>
    public static string Progress(PowerTransitionRecord t) => (t.Action, t.Step) switch
    {
        (PowerTransitionRecord.On, "waking") => $"waking {t.Node}: {t.Reason}",
        (PowerTransitionRecord.On, "booting") => $"{t.Node} is booting (its BMC powered it on)",
        (PowerTransitionRecord.On, "joining") => $"{t.Node} is up; waiting for it to join",
        (PowerTransitionRecord.On, _) => $"waiting for {t.Node} to power on",
        _ => $"waiting for {t.Node} to power off ({t.Step}); one power transition at a time",
    };

    private async Task ApplyAsync(EtcdStore store, PowerState state, PolicyDecision decision, CancellationToken ct)
    {
        switch (decision)
        {
            case WakeNode wake:
                if (await transitions.BeginOnAsync(store, wake.Node, wake.Reason, ct))
                    await transitions.StepAsync(store, await PowerState.ReadAsync(store, ct), ct);
                break;
            case PowerOffNode off:
                if (await transitions.BeginOffAsync(store, off, ct))
                    await transitions.StepAsync(store, await PowerState.ReadAsync(store, ct), ct);
                break;
            case MigrateVms migrate:
                await PowerLog.AppendAsync(store, migrate.Moves[0].From, "rebalance", migrate.Reason, ct);
                foreach (var move in migrate.Moves)
                {
                    var fresh = await PowerState.ReadAsync(store, ct);
                    var vm = fresh.Vms.FirstOrDefault(v => v.Value.Name == move.Vm && v.Value.Node == move.From);
                    if (vm is not null) await transitions.MigrateAsync(store, fresh, vm, move.To, ct);
                }
                break;
            case MarkNodeFailed failed:
                await store.TxnAsync([Guarded.Leader(member)],
                    [EtcdStore.PutOp(Keys.NodeFaults + failed.Node, new NodeFaultRecord(NodeFaultRecord.PowerOnFailed, failed.Reason, DateTimeOffset.UtcNow), StoreJsonContext.Default.NodeFaultRecord)], ct: ct);
                await PowerLog.AppendAsync(store, failed.Node, "power-on-failed", failed.Reason, ct);
                break;
        }
    }

    /// <summary>The demand history for these settings: a new one when the windows change (and so a whole window before anything is powered off).</summary>
    private DemandHistory History(ClusterSettings settings)
    {
        lock (_historyLock)
        {
            if (_history is null || _historySettings is null
                || (_historySettings.PowerOnWindow, _historySettings.PowerOffWindow, _historySettings.DemandWindow) != (settings.PowerOnWindow, settings.PowerOffWindow, settings.DemandWindow))
            {
                _history = DemandHistory.For(settings.ToPolicy());
                _historySettings = settings;
            }
            return _history;
        }
    }

    private DemandHistory Record(ClusterSettings settings, Policy.ClusterSnapshot snapshot)
    {
        var history = History(settings);
        lock (_historyLock)
        {
            try
            {
                history.Record(snapshot);
            }
            catch (ArgumentException)
            {
                // The clock went back: start the history again rather than act on a muddled one.
                _history = history = DemandHistory.For(settings.ToPolicy());
                history.Record(snapshot);
            }
        }
        return history;
    }

    private async Task WriteStatusAsync(EtcdStore store, PowerState state, PowerView view, string decision, CancellationToken ct)
    {
        double demand = view.Snapshot.Vms.Where(v => v.Node is not null).Sum(v => v.CpuMhz);
        double capacity = view.Snapshot.Nodes.Where(n => n.State is NodePowerState.On or NodePowerState.PoweringOn).Sum(n => n.CpuCapacityMhz);
        var status = new PowerStatusRecord(state.Now, options.NodeName, Math.Round(demand), Math.Round(capacity), capacity > 0 ? Math.Round(demand / capacity, 3) : null, decision);
        var last = _lastStatus;
        if (last is not null && last.Decision == status.Decision && state.Now - last.At < StatusEvery) return;
        _lastStatus = status;
        await store.PutAsync(Keys.PowerStatus, status, StoreJsonContext.Default.PowerStatusRecord, ct: ct);
        if (last?.Decision != status.Decision)
            logger.LogDebug("Power: {Decision} (demand {Demand} MHz of {Capacity} MHz)", decision, demand.ToString("0", CultureInfo.InvariantCulture), capacity.ToString("0", CultureInfo.InvariantCulture));
    }
}
