using System.Globalization;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>The power log in etcd: every power action the cluster takes on a node, in time order.</summary>
public static class PowerLog
{
    public static Task AppendAsync(EtcdStore store, PowerLogEntry entry, CancellationToken ct) =>
        store.PutAsync(Keys.PowerLog + entry.Time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss.fffffff'Z'", CultureInfo.InvariantCulture) + "-" + entry.Node,
            entry, StoreJsonContext.Default.PowerLogEntry, ct: ct);

    public static async Task<IReadOnlyList<PowerLogEntry>> ListAsync(EtcdStore store, string? node, CancellationToken ct) =>
        (await store.ListAsync(Keys.PowerLog, StoreJsonContext.Default.PowerLogEntry, ct))
            .Select(e => e.Value).Where(e => node is null || e.Node == node).OrderBy(e => e.Time).ToList();
}
