namespace Appliance.Cluster.Controller;

/// <summary>
/// The cluster's controller: one node at a time, chosen by etcd election under the node's lease,
/// so it passes to another node when its node dies. It keeps no state of its own: each round starts
/// from etcd — the etcd seats, the VMs, the BMCs' power readings, the power transition in flight.
/// </summary>
public sealed class ClusterController(SeatKeeper seats, VmReconciler vms, BmcPoller bmcs, PowerManager power, ILogger<ClusterController> logger)
{
    /// <summary>Runs the controller's rounds until <paramref name="ct"/> ends (the node lost its lease or stops).</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        Every("etcd seats", TimeSpan.FromSeconds(1), seats.ReconcileAsync, ct),
        Every("VMs", TimeSpan.FromSeconds(1), vms.ReconcileAsync, ct),
        Every("BMC readings", TimeSpan.FromSeconds(5), bmcs.PollAsync, ct),
        Every("power", TimeSpan.FromSeconds(2), power.RoundAsync, ct));

    private async Task Every(string what, TimeSpan interval, Func<CancellationToken, Task> round, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await round(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Controller round for {What} failed: {Error}", what, e is Grpc.Core.RpcException r ? r.Status.Detail : e.Message);
            }
            try
            {
                await Task.Delay(interval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
