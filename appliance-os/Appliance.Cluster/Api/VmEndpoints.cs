using System.Globalization;
using System.Text.Json.Nodes;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Api;

/// <summary>VMs across the cluster: the body of a create is a node agent's VM spec plus an optional "node".</summary>
public static class VmEndpoints
{
    public static void MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms").RequireClusterCertificate();
        vms.MapGet("/", async (ClusterMember member, CancellationToken ct) =>
            (IReadOnlyList<VmView>)(await member.RequireStore().ListAsync(Keys.Vms, StoreJsonContext.Default.VmRecord, ct))
                .Select(v => ClusterViews.View(v.Value, withSpec: false)).ToList());
        vms.MapGet("/{name}", async Task<VmView> (string name, ClusterMember member, CancellationToken ct) =>
        {
            var vm = await member.RequireStore().GetValueAsync(Keys.Vms + name, StoreJsonContext.Default.VmRecord, ct)
                ?? throw ApiException.NotFound($"no VM named '{name}'");
            return ClusterViews.View(vm, withSpec: true);
        });
        vms.MapPost("/", async (HttpRequest request, VmRequests requests, CancellationToken ct) =>
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw ApiException.BadRequest("", $"the request body is not valid JSON: {e.Message}");
            }
            var (status, view) = await requests.CreateAsync(body, Wait(request), ct);
            return Results.Json(view, ApiJson.Context.VmView, statusCode: status);
        });
        vms.MapDelete("/{name}", async (string name, HttpRequest request, VmRequests requests, CancellationToken ct) =>
            await requests.DeleteAsync(name, Wait(request), ct) is { } pending
                ? Results.Json(pending, ApiJson.Context.VmView, statusCode: StatusCodes.Status202Accepted)
                : Results.NoContent());
    }

    /// <summary>?wait=SECONDS: how long to follow the controller before answering 202 (default 90, 0 to answer at once).</summary>
    private static TimeSpan Wait(HttpRequest request)
    {
        if (request.Query["wait"] is not [{ } text]) return VmRequests.DefaultWait;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0 and <= 600
            ? TimeSpan.FromSeconds(seconds)
            : throw ApiException.BadRequest("wait", "wait must be a number of seconds from 0 to 600");
    }
}
