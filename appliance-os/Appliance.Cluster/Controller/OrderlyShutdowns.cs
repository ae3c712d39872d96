using System.Globalization;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// A node whose host shut down in good order — a person's ACPI power button (IPMI <c>chassis power
/// soft</c>, Redfish GracefulShutdown, a short press) or its own OS — is powered off, not lost: its
/// cluster service said so as it stopped (<see cref="Keys.ShutDown"/>). Once its lease is gone and its
/// BMC says off, it is dormant as if the cluster had powered it off itself (<see cref="Keys.PoweredOff"/>):
/// not fenced, not marked for a person, woken again on demand, and its VMs are dealt with as a fenced
/// node's are (<see cref="HaRestarts"/>; they got their ACPI shutdown from its OS). Only the BMC's "off"
/// makes it so, never the word of a service that stopped: a host whose service was stopped while it
/// kept running would otherwise have its VMs started twice. A node whose BMC does not say off within
/// <see cref="ClusterSettings.SoftOffTimeout"/> is treated as lost (<see cref="Fencing"/>).
/// </summary>
public sealed class OrderlyShutdowns(ClusterMember member, HaRestarts restarts, ILogger<OrderlyShutdowns> logger)
{
    public const string Reason = "its host shut down in good order (its OS, or a person at its power button or BMC), not by the cluster's decision";

    public async Task RoundAsync(EtcdStore store, PowerState state, CancellationToken ct)
    {
        foreach (var (name, mark) in state.Cluster.ShuttingDown.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (state.Cluster.IsAlive(name))
            {
                // Back already (its service restarted): the node clears the mark itself; this is for one that could not.
                if (state.Cluster.Alive[name].Lease != mark.Lease) await store.DeleteAsync(Keys.ShutDown + name, ct);
                continue;
            }
            if (!state.Cluster.Nodes.TryGetValue(name, out var node) || node.Phase != NodeRecord.Member || state.TransitionOf(name) is not null)
            {
                await store.DeleteAsync(Keys.ShutDown + name, ct);
                continue;
            }
            string took = Seconds(state.Now - mark.At);
            if (state.BmcPower(name) == "off")
            {
                var txn = await store.TxnAsync([Guarded.Leader(member)],
                [
                    EtcdStore.PutOp(Keys.PoweredOff + name, new PoweredOffRecord(DateTimeOffset.UtcNow, Reason), StoreJsonContext.Default.PoweredOffRecord),
                    EtcdStore.DeleteOp(Keys.ShutDown + name),
                ], ct: ct);
                if (!txn.Succeeded) continue;
                logger.LogInformation("{Node} shut down in good order and its BMC says off: dormant, not fenced", name);
                await PowerLog.AppendAsync(store, name, "off", $"off {took} after its host began shutting down: {Reason}; not fenced", ct);
            }
            else if (state.Now - mark.At > state.Settings.SoftOffTimeout)
            {
                var txn = await store.TxnAsync([Guarded.Leader(member)], [EtcdStore.DeleteOp(Keys.ShutDown + name)], ct: ct);
                if (!txn.Succeeded) continue;
                string bmc = state.BmcPower(name) is { } power ? $"its BMC still says {power}" : "its BMC cannot say whether it is off";
                logger.LogWarning("{Node} said it was shutting down {Took} ago, but {Bmc}: treated as lost", name, took, bmc);
                await PowerLog.AppendAsync(store, name, "shutdown-unconfirmed",
                    $"its host said it was shutting down {took} ago, but {bmc} (softOffTimeout {Seconds(state.Settings.SoftOffTimeout)}): treated as lost", ct);
            }
        }

        // Its VMs, every round while it stays off: a record that changed under the last try, or a controller
        // that stopped half-way, is dealt with at the next.
        foreach (var (name, off) in state.PoweredOff)
        {
            if (off.Reason == Reason && !state.Cluster.IsAlive(name) && state.TransitionOf(name) is null && state.Wanted.Any(v => v.Value.Node == name))
                await restarts.RestartAsync(store, name, VmRestart.ShutDown, "shut off", ct);
        }
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
}
