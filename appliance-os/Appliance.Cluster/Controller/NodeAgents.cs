using System.Collections.Concurrent;
using Appliance.Node.Client;

namespace Appliance.Cluster.Controller;

/// <summary>The node agents' API clients, one HTTP client per agent URL, shared by the controller's parts.</summary>
public sealed class NodeAgents
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();

    public NodeClient For(string url) =>
        new(_clients.GetOrAdd(url, u => new HttpClient { BaseAddress = new Uri(u.EndsWith('/') ? u : u + "/"), Timeout = TimeSpan.FromMinutes(2) }));

    /// <summary>True when the agent answers within a few seconds (a host that has booted).</summary>
    public async Task<bool> AnswersAsync(string url, CancellationToken ct)
    {
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(ct);
        quick.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await For(url).GetHostAsync(quick.Token);
            return true;
        }
        catch (Exception e) when (e is NodeApiException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public static bool Failed(Exception e, CancellationToken ct) =>
        e is NodeApiException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested);
}
