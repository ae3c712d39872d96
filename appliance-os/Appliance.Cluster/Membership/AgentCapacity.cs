using Appliance.Cluster.Store;
using Appliance.Node.Client;

namespace Appliance.Cluster.Membership;

/// <summary>The node's capacity as its agent reports it (GET /api/v1/host/metrics); null while the agent does not answer.</summary>
public static class AgentCapacity
{
    public static async Task<NodeCapacity?> ReadAsync(Uri agent, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = agent, Timeout = TimeSpan.FromSeconds(5) };
            var metrics = await new NodeClient(http).GetMetricsAsync(ct);
            return new NodeCapacity(metrics.Capacity.Cpus, metrics.Capacity.MemoryMiB, metrics.Capacity.Mhz > 0 ? metrics.Capacity.Mhz : null);
        }
        catch (Exception e) when (e is NodeApiException or TaskCanceledException or HttpRequestException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }
}
