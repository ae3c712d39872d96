using System.Globalization;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// The power log in etcd: every decision and power action of the cluster's, with its reason, in time
/// order. Actions: wake (decided to power a node on), power-on (its BMC took the request),
/// ready (the node came up and took its place), power-on-failed, power-off (decided to drain and power a
/// node off), migrate (a VM moved), seat (its etcd seat moved), soft-off (its BMC was asked for an ACPI
/// shutdown), forced-off, off (also when its host shut down in good order), shutdown-unconfirmed (its host said
/// it was shutting down but its BMC did not say off in time), abandoned (a power-off given up), fence, fenced, fence-failed, restart (an
/// HA VM started again elsewhere), rebalance (VMs moved off a node too busy), pin, unpin, clear.
/// </summary>
public static class PowerLog
{
    public static Task AppendAsync(EtcdStore store, PowerLogEntry entry, CancellationToken ct) =>
        store.PutAsync(Keys.PowerLog + entry.Time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture) + "-" + entry.Node + "-" + entry.Action,
            entry, StoreJsonContext.Default.PowerLogEntry, ct: ct);

    public static Task AppendAsync(EtcdStore store, string node, string action, string reason, CancellationToken ct) =>
        AppendAsync(store, new PowerLogEntry(DateTimeOffset.UtcNow, node, action, reason), ct);

    public static async Task<IReadOnlyList<PowerLogEntry>> ListAsync(EtcdStore store, string? node, CancellationToken ct) =>
        (await store.ListAsync(Keys.PowerLog, StoreJsonContext.Default.PowerLogEntry, ct))
            .Select(e => e.Value).Where(e => node is null || e.Node == node).OrderBy(e => e.Time).ToList();
}
