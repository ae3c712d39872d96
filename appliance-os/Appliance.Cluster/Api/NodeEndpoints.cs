using Appliance.Cluster.Bmc;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Api;

/// <summary>Nodes: list, show, enroll by BMC, and the seat handover before a node is powered off.</summary>
public static class NodeEndpoints
{
    public static readonly TimeSpan HandoverLimit = TimeSpan.FromSeconds(150);

    public static void MapNodeEndpoints(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes").RequireClusterCertificate();
        nodes.MapGet("/", async (ClusterViews views, CancellationToken ct) => await views.NodesAsync(ct));
        nodes.MapGet("/{name}", async (string name, ClusterViews views, CancellationToken ct) =>
            await views.NodeAsync(name, ct) ?? throw ApiException.NotFound($"no node named '{name}'"));
        nodes.MapPost("/", async (EnrollRequest? request, EnrollService enroll, ClusterViews views, CancellationToken ct) =>
        {
            var record = await enroll.EnrollAsync(request, ct);
            return Results.Created($"/api/v1/nodes/{record.Name}", await views.NodeAsync(record.Name, ct));
        });

        // The controller does the work (one seat change at a time); any member takes the request and waits for the outcome.
        nodes.MapPost("/{name}/seat-handover", async Task<SeatHandoverResult> (string name, ClusterMember member, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            if (await store.GetValueAsync(Keys.Nodes + name, StoreJsonContext.Default.NodeRecord, ct) is null)
                throw ApiException.NotFound($"no node named '{name}'");
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(HandoverLimit);
            SeatHandoverRecord outcome;
            try
            {
                outcome = await SeatHandoverRequest.AskAsync(store, name, limit.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new ApiException(StatusCodes.Status504GatewayTimeout, $"no controller finished the seat handover of {name} within {HandoverLimit.TotalSeconds:0} s");
            }
            return outcome.State == "done"
                ? new SeatHandoverResult(name, outcome.Message ?? "")
                : throw ApiException.Conflict(outcome.Message ?? "the seat handover failed");
        });
    }
}
