namespace Appliance.Cluster.Membership;

/// <summary>Tries an operation until it works or time runs out: etcd needs a moment after start or a membership change.</summary>
public static class Retry
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> operation, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or InvalidOperationException && DateTime.UtcNow < deadline && !ct.IsCancellationRequested)
            {
                await Task.Delay(200, ct);
            }
        }
    }
}
