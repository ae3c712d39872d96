using System.Collections.Concurrent;
using System.Globalization;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Policy;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The one power transition in flight, kept in etcd (<see cref="Keys.PowerTransition"/>) so that a new
/// controller carries on where the last one stopped. Powering on: the BMC is asked (IPMI, else Redfish),
/// then the node has <see cref="ClusterSettings.PowerOnTimeout"/> to boot and take its place; a node that
/// does not is marked failed and left for a person. Powering off: the node's VMs are live-migrated away
/// (their images copied first where missing), the node is checked empty, its etcd seat is handed over,
/// its BMC is asked for an ACPI shutdown, and after <see cref="ClusterSettings.SoftOffTimeout"/> for a
/// hard power-off. A step that cannot be done abandons the power-off and says why.
/// </summary>
public sealed class PowerTransitions(
    ClusterMember member, BmcPower bmc, SeatKeeper seats, NodeAgents agents, ImageCopier images, ILogger<PowerTransitions> logger)
{
    private static readonly TimeSpan ForceOffLimit = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, string> _migrating = new(StringComparer.Ordinal);

    /// <summary>VMs being live-migrated by the controller now: their records are left alone meanwhile.</summary>
    public bool IsMigrating(string vm) => _migrating.ContainsKey(vm);

    /// <summary>Starts powering <paramref name="node"/> on, unless another transition is in flight; returns whether it started.</summary>
    public async Task<bool> BeginOnAsync(EtcdStore store, string node, string reason, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        if (!await BeginAsync(store, new PowerTransitionRecord(node, PowerTransitionRecord.On, "waking", now, now, reason), ct)) return false;
        logger.LogInformation("Waking {Node}: {Reason}", node, reason);
        await PowerLog.AppendAsync(store, node, "wake", reason, ct);
        return true;
    }

    /// <summary>Starts draining and powering off a node as the policy decided, unless another transition is in flight.</summary>
    public async Task<bool> BeginOffAsync(EtcdStore store, PowerOffNode decision, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var record = new PowerTransitionRecord(decision.Node, PowerTransitionRecord.Off, "draining", now, now, decision.Reason,
            decision.Moves.Select(m => new PlannedMove(m.Vm, m.From, m.To)).ToList());
        if (!await BeginAsync(store, record, ct)) return false;
        logger.LogInformation("Powering {Node} off: {Reason}", decision.Node, decision.Reason);
        await PowerLog.AppendAsync(store, decision.Node, "power-off", decision.Reason, ct);
        return true;
    }

    /// <summary>Takes the transition one step further (or several, when nothing needs waiting for).</summary>
    public async Task StepAsync(EtcdStore store, PowerState state, CancellationToken ct)
    {
        if (state.Transition is not { } entry) return;
        var t = entry.Value;
        try
        {
            if (t.Action == PowerTransitionRecord.On) await StepOnAsync(store, state, entry, ct);
            else await StepOffAsync(store, state, entry, ct);
        }
        catch (TransitionEndedException)
        {
            // Finished, failed or abandoned: already written and logged.
        }
    }

    private async Task StepOnAsync(EtcdStore store, PowerState state, Entry<PowerTransitionRecord> entry, CancellationToken ct)
    {
        var t = entry.Value;
        var elapsed = state.Now - t.Since;
        state.Cluster.Nodes.TryGetValue(t.Node, out var node);
        if (t.Step == "waking")
        {
            var access = await BmcAccess.LoadAsync(store, member.RequireIdentity().ClusterKey, t.Node, ct);
            if (access is null) await FailOnAsync(store, entry, "the cluster has no BMC account on it to power it on with", ct);
            try
            {
                var answer = await bmc.PowerOnAsync(access!, ct);
                string how = answer.Via == "ipmi" ? "IPMI Chassis Control (power up)" : $"Redfish ComputerSystem.Reset On (IPMI did not answer: {answer.IpmiError})";
                await PowerLog.AppendAsync(store, t.Node, "power-on", $"its BMC took the power-on through {how}", ct);
                await UpdateAsync(store, entry, t with { Step = "booting", StepSince = DateTimeOffset.UtcNow, Message = "its BMC powered it on; waiting for its host to boot" }, ct);
            }
            catch (BmcUnreachableException e)
            {
                await FailOnAsync(store, entry, e.Message, ct);
            }
            return;
        }

        if (node is not null && state.IsReady(node))
        {
            string took = Seconds(elapsed);
            logger.LogInformation("{Node} is ready, {Took} after its power-on", t.Node, took);
            await EndAsync(store, entry, [EtcdStore.DeleteOp(Keys.PoweredOff + t.Node)], ct);
            await PowerLog.AppendAsync(store, t.Node, "ready", $"up and ready for VMs {took} after the cluster powered it on", ct);
            throw new TransitionEndedException();
        }
        if (elapsed > state.Settings.PowerOnTimeout)
            await FailOnAsync(store, entry, $"not ready {Seconds(elapsed)} after its power-on (powerOnTimeout {Seconds(state.Settings.PowerOnTimeout)}); skipped until a person clears it", ct);
        if (t.Step == "booting" && node is not null
            && (state.Cluster.IsAlive(node.Name) || (node.NodeAgent is not null && await agents.AnswersAsync(node.NodeAgent, ct))))
        {
            await UpdateAsync(store, entry, t with { Step = "joining", StepSince = DateTimeOffset.UtcNow, Message = "its host is up; waiting for it to join" }, ct);
        }
    }

    private async Task StepOffAsync(EtcdStore store, PowerState state, Entry<PowerTransitionRecord> entry, CancellationToken ct)
    {
        var t = entry.Value;
        if (t.Step == "draining")
        {
            foreach (var move in t.Moves ?? [])
            {
                var vm = state.Vms.FirstOrDefault(v => v.Value.Name == move.Vm);
                if (vm is null || vm.Value.Desired != VmRecord.Running || vm.Value.Node != move.From) continue; // gone or moved meanwhile
                string? failed = await MigrateAsync(store, state, vm, move.To, ct);
                if (failed is not null) await AbandonAsync(store, entry, $"moving {move.Vm} to {move.To} failed: {failed}", ct);
            }
            var fresh = await store.ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct);
            var left = fresh.Where(v => v.Value.Node == t.Node && v.Value.Desired == VmRecord.Running).Select(v => v.Value.Name).ToList();
            if (left.Count > 0) await AbandonAsync(store, entry, $"VMs are still placed on it: {string.Join(", ", left)}", ct);
            if (state.Cluster.Nodes.TryGetValue(t.Node, out var node) && node.NodeAgent is not null)
            {
                try
                {
                    var running = (await agents.For(node.NodeAgent).ListVmsAsync(ct)).Where(v => v.State is "running" or "paused").Select(v => v.Name).ToList();
                    if (running.Count > 0) await AbandonAsync(store, entry, $"it still runs VMs the cluster does not manage: {string.Join(", ", running)}", ct);
                }
                catch (Exception e) when (NodeAgents.Failed(e, ct))
                {
                    await AbandonAsync(store, entry, $"its agent did not say whether it is empty: {e.Message}", ct);
                }
            }
            entry = await UpdateAsync(store, entry, t = t with { Step = "seat", StepSince = DateTimeOffset.UtcNow, Message = "empty; handing its etcd seat over" }, ct);
        }

        if (t.Step == "seat")
        {
            try
            {
                string outcome = await seats.HandOverAsync(t.Node, ct);
                await PowerLog.AppendAsync(store, t.Node, "seat", outcome, ct);
            }
            catch (ApiException e)
            {
                await AbandonAsync(store, entry, e.Message, ct);
            }
            var access = await BmcAccess.LoadAsync(store, member.RequireIdentity().ClusterKey, t.Node, ct);
            if (access is null) await AbandonAsync(store, entry, "the cluster has no BMC account on it to power it off with", ct);
            try
            {
                var answer = await bmc.SoftOffAsync(access!, ct);
                string how = answer.Via == "ipmi" ? "IPMI Chassis Control (soft shutdown)" : $"Redfish ComputerSystem.Reset GracefulShutdown (IPMI did not answer: {answer.IpmiError})";
                await PowerLog.AppendAsync(store, t.Node, "soft-off", $"its BMC was asked for an ACPI shutdown through {how}", ct);
            }
            catch (BmcUnreachableException e)
            {
                await AbandonAsync(store, entry, e.Message, ct);
            }
            await UpdateAsync(store, entry, t with { Step = "shutting-down", StepSince = DateTimeOffset.UtcNow, Message = "its host is shutting down" }, ct);
            return;
        }

        var bmcAccess = await BmcAccess.LoadAsync(store, member.RequireIdentity().ClusterKey, t.Node, ct);
        if (bmcAccess is null) await AbandonAsync(store, entry, "the cluster has no BMC account on it any more", ct);
        BmcReading? reading = null;
        try
        {
            reading = await bmc.ReadAsync(bmcAccess!, ct);
        }
        catch (BmcUnreachableException e)
        {
            logger.LogWarning("Waiting for {Node} to power off, its BMC did not answer: {Error}", t.Node, e.Message);
        }
        var inStep = state.Now - t.StepSince;
        if (reading?.Power == "off")
        {
            string how = t.Step == "forcing-off" ? "after a hard power-off" : "after its ACPI shutdown";
            await EndAsync(store, entry,
            [
                EtcdStore.PutOp(Keys.PoweredOff + t.Node, new PoweredOffRecord(DateTimeOffset.UtcNow, t.Reason), StoreJsonContext.Default.PoweredOffRecord),
                EtcdStore.PutOp(Keys.BmcStatus + t.Node, new BmcStatusRecord("off", reading.Watts, DateTimeOffset.UtcNow, null), StoreJsonContext.Default.BmcStatusRecord),
            ], ct);
            logger.LogInformation("{Node} is off", t.Node);
            await PowerLog.AppendAsync(store, t.Node, "off", $"off {how}, {Seconds(state.Now - t.Since)} after the power-off began", ct);
            throw new TransitionEndedException();
        }
        if (t.Step == "shutting-down" && inStep > state.Settings.SoftOffTimeout)
        {
            try
            {
                var answer = await bmc.PowerOffAsync(bmcAccess!, ct);
                await PowerLog.AppendAsync(store, t.Node, "forced-off",
                    $"its ACPI shutdown took longer than {Seconds(state.Settings.SoftOffTimeout)} (softOffTimeout): hard power-off through {(answer.Via == "ipmi" ? "IPMI" : "Redfish")}", ct);
                await UpdateAsync(store, entry, t with { Step = "forcing-off", StepSince = DateTimeOffset.UtcNow, Message = "powered off hard after its shutdown took too long" }, ct);
            }
            catch (BmcUnreachableException e)
            {
                logger.LogWarning("{Node}'s hard power-off did not go through: {Error}", t.Node, e.Message);
            }
        }
        else if (t.Step == "forcing-off" && inStep > ForceOffLimit)
        {
            await AbandonAsync(store, entry, $"its BMC still says on {Seconds(inStep)} after a hard power-off", ct);
        }
    }

    /// <summary>Live-migrates a VM to <paramref name="to"/> through its node's agent (images copied first) and moves its record; returns why it failed, or null.</summary>
    public async Task<string?> MigrateAsync(EtcdStore store, PowerState state, Entry<VmRecord> entry, string to, CancellationToken ct)
    {
        var vm = entry.Value;
        if (!state.Cluster.Nodes.TryGetValue(vm.Node ?? "", out var source) || source.NodeAgent is null) return $"its node {vm.Node} has no agent";
        if (!state.Cluster.Nodes.TryGetValue(to, out var target) || target.NodeAgent is null || !state.IsReady(target)) return $"{to} is not ready";
        _migrating[vm.Name] = to;
        try
        {
            var copied = await images.EnsureAsync(vm.Spec, target, state.Cluster.Nodes.Values.Where(state.IsReady), ct);
            var result = await agents.For(source.NodeAgent).MigrateAsync(vm.Name, new Uri(target.NodeAgent), ct);
            for (int attempt = 0; ; attempt++)
            {
                var current = await store.GetEntryAsync(Keys.Vms + vm.Name, StoreJsonContext.Default.VmRecord, ct);
                if (current is null) break;
                var moved = current.Value with { Node = to, Observed = new VmObserved("running", null, DateTimeOffset.UtcNow) };
                var txn = await store.TxnAsync(Guarded.Unchanged(member, Keys.Vms + vm.Name, current.ModRevision),
                    [EtcdStore.PutOp(Keys.Vms + vm.Name, moved, StoreJsonContext.Default.VmRecord)], ct: ct);
                if (txn.Succeeded || attempt >= 5) break;
            }
            string downtime = result.DowntimeMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $", {ms:0} ms downtime") : "";
            string copies = copied.Count > 0 ? $"; copied image {string.Join(", ", copied)} first" : "";
            logger.LogInformation("Moved VM {Vm} from {From} to {To}", vm.Name, source.Name, to);
            await PowerLog.AppendAsync(store, source.Name, "migrate",
                string.Create(CultureInfo.InvariantCulture, $"{vm.Name} live-migrated to {to} in {result.TotalSeconds:0.0} s{downtime}{copies}"), ct);
            return null;
        }
        catch (Exception e) when (NodeAgents.Failed(e, ct))
        {
            logger.LogWarning("Moving VM {Vm} from {From} to {To} failed: {Error}", vm.Name, source.Name, to, e.Message);
            return e.Message;
        }
        finally
        {
            _migrating.TryRemove(vm.Name, out _);
        }
    }

    private async Task<bool> BeginAsync(EtcdStore store, PowerTransitionRecord record, CancellationToken ct)
    {
        var txn = await store.TxnAsync([EtcdStore.Absent(Keys.PowerTransition), Guarded.Leader(member)],
            [EtcdStore.PutOp(Keys.PowerTransition, record, StoreJsonContext.Default.PowerTransitionRecord)], ct: ct);
        return txn.Succeeded;
    }

    private async Task<Entry<PowerTransitionRecord>> UpdateAsync(EtcdStore store, Entry<PowerTransitionRecord> entry, PowerTransitionRecord updated, CancellationToken ct)
    {
        var txn = await store.TxnAsync(Guarded.Unchanged(member, Keys.PowerTransition, entry.ModRevision),
            [EtcdStore.PutOp(Keys.PowerTransition, updated, StoreJsonContext.Default.PowerTransitionRecord)], ct: ct);
        if (!txn.Succeeded) throw new TransitionEndedException(); // someone else moved it on: the next round reads it afresh
        return entry with { Value = updated, ModRevision = txn.Header.Revision };
    }

    private async Task EndAsync(EtcdStore store, Entry<PowerTransitionRecord> entry, IEnumerable<Etcdserverpb.RequestOp> also, CancellationToken ct)
    {
        var txn = await store.TxnAsync(Guarded.Unchanged(member, Keys.PowerTransition, entry.ModRevision), [EtcdStore.DeleteOp(Keys.PowerTransition), .. also], ct: ct);
        if (!txn.Succeeded) throw new TransitionEndedException();
    }

    /// <summary>The node did not come on: marked so it is not chosen again until a person clears it; the next node can be tried.</summary>
    private async Task FailOnAsync(EtcdStore store, Entry<PowerTransitionRecord> entry, string reason, CancellationToken ct)
    {
        var fault = new NodeFaultRecord(NodeFaultRecord.PowerOnFailed, reason, DateTimeOffset.UtcNow);
        await EndAsync(store, entry, [EtcdStore.PutOp(Keys.NodeFaults + entry.Value.Node, fault, StoreJsonContext.Default.NodeFaultRecord)], ct);
        logger.LogWarning("{Node} did not come on: {Reason}", entry.Value.Node, reason);
        await PowerLog.AppendAsync(store, entry.Value.Node, "power-on-failed", reason, ct);
        throw new TransitionEndedException();
    }

    private async Task AbandonAsync(EtcdStore store, Entry<PowerTransitionRecord> entry, string reason, CancellationToken ct)
    {
        await EndAsync(store, entry, [], ct);
        logger.LogWarning("Gave up powering {Node} off: {Reason}", entry.Value.Node, reason);
        await PowerLog.AppendAsync(store, entry.Value.Node, "abandoned", $"power-off given up: {reason}", ct);
        throw new TransitionEndedException();
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";

    private sealed class TransitionEndedException : Exception;
}
