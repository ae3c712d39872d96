using System.Globalization;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// HA: a member that lost its lease (not one the cluster powered off itself, nor one whose host shut
/// down in good order: <see cref="OrderlyShutdowns"/>) for
/// <see cref="ClusterSettings.FenceAfter"/> is fenced through its BMC — powered off, then confirmed off
/// (IPMI Get Chassis Status, or Redfish PowerState) — and only then are its HA VMs started again on
/// other nodes. A VM runs from its image with a fresh overlay there: without replicated storage what it
/// wrote on the lost node stays there. When the fence cannot be confirmed, nothing is restarted (the
/// node might still run its VMs) and the node is marked for a person; the fence is tried again every
/// <see cref="RetryEvery"/>. A node that was fenced is not powered on by the cluster again until a person clears it.
/// </summary>
public sealed class Fencing(ClusterMember member, BmcPower bmc, HaRestarts restarts, ILogger<Fencing> logger)
{
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConfirmLimit = TimeSpan.FromSeconds(20);
    private readonly Dictionary<string, DateTimeOffset> _lostSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _triedAt = new(StringComparer.Ordinal);

    public async Task RoundAsync(EtcdStore store, PowerState state, CancellationToken ct)
    {
        foreach (var node in state.Cluster.Nodes.Values.Where(n => n.Phase == NodeRecord.Member).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            // A node whose host said it is shutting down is left to OrderlyShutdowns until it gives up on it.
            if (state.Cluster.IsAlive(node.Name) || state.TransitionOf(node.Name) is not null || state.PoweredOff.ContainsKey(node.Name)
                || state.Cluster.ShuttingDown.ContainsKey(node.Name))
            {
                _lostSince.Remove(node.Name);
                _triedAt.Remove(node.Name);
                continue;
            }
            // The clock starts when this controller first sees the node gone: a new controller waits the whole time again.
            var since = _lostSince.TryGetValue(node.Name, out var t) ? t : _lostSince[node.Name] = state.Now;
            if (state.Now - since < state.Settings.FenceAfter) continue;

            var fault = state.Faults.GetValueOrDefault(node.Name)?.Value;
            if (fault?.Kind == NodeFaultRecord.Fenced)
            {
                await restarts.RestartAsync(store, node.Name, VmRestart.Fenced, "lost", ct); // again, in case the last controller stopped half-way
                continue;
            }
            if (fault?.Kind == NodeFaultRecord.FenceUnconfirmed && _triedAt.TryGetValue(node.Name, out var tried) && state.Now - tried < RetryEvery) continue;
            _triedAt[node.Name] = state.Now;
            await FenceAsync(store, state, node.Name, state.Now - since, fault, ct);
        }
    }

    private async Task FenceAsync(EtcdStore store, PowerState state, string node, TimeSpan lost, NodeFaultRecord? earlier, CancellationToken ct)
    {
        var identity = member.RequireIdentity();
        string lostFor = $"lost (no lease) for {lost.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";
        if (earlier is null)
        {
            logger.LogWarning("Fencing {Node}: {Lost}", node, lostFor);
            await PowerLog.AppendAsync(store, node, "fence", $"{lostFor}: powering it off through its BMC before its HA VMs start elsewhere", ct);
        }
        var access = await BmcAccess.LoadAsync(store, identity.ClusterKey, node, ct);
        string? failure = null;
        string? confirmedBy = null;
        // When the BMC was last asked: a BMC that refused the account lately is not asked again yet.
        DateTimeOffset asked = DateTimeOffset.UtcNow;
        if (access is null)
        {
            failure = "the cluster has no BMC account on it, so it cannot power it off";
        }
        else
        {
            try
            {
                var off = await bmc.PowerOffAsync(access, ct);
                var deadline = DateTimeOffset.UtcNow + ConfirmLimit;
                while (confirmedBy is null)
                {
                    var reading = await bmc.ReadAsync(access, ct);
                    if (reading.Power == "off")
                    {
                        confirmedBy = $"powered off through {Door(off.Via, off.IpmiError)}, confirmed off by {(reading.Via == "ipmi" ? "IPMI Get Chassis Status" : "Redfish PowerState")}";
                        break;
                    }
                    if (DateTimeOffset.UtcNow > deadline)
                    {
                        failure = $"its BMC took the power-off but still says on after {ConfirmLimit.TotalSeconds:0} s";
                        break;
                    }
                    await Task.Delay(1000, ct);
                }
            }
            catch (BmcRefusedException e)
            {
                failure = e.Message;
                asked = e.Refusal.At;
            }
            catch (BmcUnreachableException e)
            {
                failure = e.Message;
            }
        }

        if (confirmedBy is null)
        {
            // The reason names no time of its own, so that a try held back leaves the record as it was.
            var fault = new NodeFaultRecord(NodeFaultRecord.FenceUnconfirmed,
                $"lost (no lease) and not confirmed off ({failure}): its VMs are not restarted elsewhere; a person must check it", earlier?.At ?? DateTimeOffset.UtcNow, asked);
            if (fault != earlier)
                await store.TxnAsync([Guarded.Leader(member)], [EtcdStore.PutOp(Keys.NodeFaults + node, fault, StoreJsonContext.Default.NodeFaultRecord)], ct: ct);
            if (earlier?.Kind != NodeFaultRecord.FenceUnconfirmed)
            {
                logger.LogError("{Node} could not be fenced: {Failure}; its VMs stay where they are", node, failure);
                await PowerLog.AppendAsync(store, node, "fence-failed", $"{failure}: its VMs are not restarted elsewhere (never two copies of one VM); a person must check {node}", ct);
            }
            await MarkVmsAsync(store, state, node, vm => $"not restarted: its node {node} is lost and could not be fenced ({failure}); a person must check {node}", ct);
            return;
        }

        var fenced = new NodeFaultRecord(NodeFaultRecord.Fenced, $"{lostFor}; {confirmedBy}", DateTimeOffset.UtcNow);
        await store.TxnAsync([Guarded.Leader(member)],
        [
            EtcdStore.PutOp(Keys.NodeFaults + node, fenced, StoreJsonContext.Default.NodeFaultRecord),
            EtcdStore.PutOp(Keys.BmcStatus + node, new BmcStatusRecord("off", null, DateTimeOffset.UtcNow, null), StoreJsonContext.Default.BmcStatusRecord),
        ], ct: ct);
        logger.LogWarning("Fenced {Node}: {How}", node, confirmedBy);
        await PowerLog.AppendAsync(store, node, "fenced", confirmedBy, ct);
        await restarts.RestartAsync(store, node, VmRestart.Fenced, "lost", ct);
    }

    private async Task MarkVmsAsync(EtcdStore store, PowerState state, string node, Func<VmRecord, string> message, CancellationToken ct)
    {
        foreach (var entry in state.Vms.Where(v => v.Value.Node == node && v.Value.Desired == VmRecord.Running))
            await restarts.ObserveAsync(store, entry, "lost", message(entry.Value), ct);
    }

    private static string Door(string via, string? ipmiError) =>
        via == "ipmi" ? "IPMI Chassis Control (power down)" : $"Redfish ComputerSystem.Reset ForceOff (IPMI did not answer: {ipmiError})";
}
