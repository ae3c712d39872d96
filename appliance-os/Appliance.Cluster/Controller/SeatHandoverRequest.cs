using Appliance.Cluster.Etcd;
using Appliance.Cluster.Store;

namespace Appliance.Cluster.Controller;

/// <summary>
/// Asks the controller to move a node's etcd seat (<see cref="SeatKeeper"/> does the work, one seat
/// change at a time) and waits for its outcome: any member may ask, for any node.
/// </summary>
public static class SeatHandoverRequest
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    /// <summary>The controller's outcome ("done" or "failed", with its message); the request is withdrawn
    /// whatever happens, so a cancelled wait leaves nothing behind for the controller to act on later.</summary>
    public static async Task<SeatHandoverRecord> AskAsync(EtcdStore store, string node, CancellationToken ct)
    {
        string key = Keys.SeatHandover + node;
        await store.PutAsync(key, new SeatHandoverRecord("requested", DateTimeOffset.UtcNow, null), StoreJsonContext.Default.SeatHandoverRecord, ct: ct);
        try
        {
            while (true)
            {
                await Task.Delay(Poll, ct);
                var outcome = await store.GetValueAsync(key, StoreJsonContext.Default.SeatHandoverRecord, ct);
                if (outcome is not null && outcome.State != "requested") return outcome;
            }
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await store.DeleteAsync(key, cleanup.Token);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
            {
                // The controller removes an outcome nobody collected after a while.
            }
        }
    }
}
