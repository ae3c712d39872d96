using System.Text.Json.Nodes;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.Store;
using Appliance.Node.Api;

namespace Appliance.Cluster.Api;

/// <summary>
/// Power management as people steer it (administrator's certificate): the cluster's settings, pinning
/// a node on, clearing a node's fault, the power log and the power history.
/// </summary>
public static class PowerEndpoints
{
    public static void MapPowerEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireClusterCertificate();
        api.MapGet("/cluster/settings", async Task<ClusterSettings> (ClusterMember member, CancellationToken ct) =>
            (await member.RequireStore().GetValueAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct))?.Settings
            ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "etcd holds no cluster record"));
        api.MapPatch("/cluster/settings", async Task<ClusterSettings> (HttpRequest request, ClusterMember member, CancellationToken ct) =>
            await SetAsync(member.RequireStore(), await BodyAsync(request, ct), ct));

        api.MapPost("/nodes/{name}/pin", async (string name, ClusterMember member, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            await RequireNodeAsync(store, name, ct);
            await store.PutAsync(Keys.Pins + name, new NodePinRecord(DateTimeOffset.UtcNow), StoreJsonContext.Default.NodePinRecord, ct: ct);
            await PowerLog.AppendAsync(store, name, "pin", "pinned on by a person: never powered off by the cluster, woken if off", ct);
            return Results.NoContent();
        });
        api.MapDelete("/nodes/{name}/pin", async (string name, ClusterMember member, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            await RequireNodeAsync(store, name, ct);
            if (await store.DeleteAsync(Keys.Pins + name, ct))
                await PowerLog.AppendAsync(store, name, "unpin", "unpinned by a person: the cluster may power it off again", ct);
            return Results.NoContent();
        });
        api.MapPost("/nodes/{name}/clear", async (string name, ClusterMember member, CancellationToken ct) =>
        {
            var store = member.RequireStore();
            await RequireNodeAsync(store, name, ct);
            var fault = await store.GetEntryAsync(Keys.NodeFaults + name, StoreJsonContext.Default.NodeFaultRecord, ct)
                ?? throw ApiException.Conflict($"node {name} has no fault to clear");
            var txn = await store.TxnAsync([EtcdStore.Unchanged(Keys.NodeFaults + name, fault.ModRevision)], [EtcdStore.DeleteOp(Keys.NodeFaults + name)], ct: ct);
            if (!txn.Succeeded) throw ApiException.Conflict($"node {name}'s fault changed meanwhile; look at it again ('appliance node show {name}')");
            await PowerLog.AppendAsync(store, name, "clear", $"a person cleared its fault ({fault.Value.Kind}: {fault.Value.Reason})", ct);
            return Results.NoContent();
        });

        api.MapGet("/power/history", async Task<PowerHistory> (ClusterViews views, CancellationToken ct) => await views.PowerHistoryAsync(ct));
    }

    /// <summary>Changes the settings named in the body ({"name": value, ...}): all or nothing, each checked, the whole result validated.</summary>
    private static async Task<ClusterSettings> SetAsync(EtcdStore store, JsonObject body, CancellationToken ct)
    {
        if (body.Count == 0) throw ApiException.BadRequest("", "name at least one setting to change");
        for (int attempt = 0; ; attempt++)
        {
            var entry = await store.GetEntryAsync(Keys.Cluster, StoreJsonContext.Default.ClusterRecord, ct)
                ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "etcd holds no cluster record");
            var settings = entry.Value.Settings;
            foreach (var (name, value) in body)
            {
                try
                {
                    settings = settings.With(name, ClusterSettings.ValueText(value));
                }
                catch (FormatException e)
                {
                    throw ApiException.BadRequest(name, e.Message);
                }
            }
            var errors = settings.Validate();
            if (errors.Count > 0) throw ApiException.BadRequest(errors[0].Split(' ')[0], "invalid settings: " + string.Join("; ", errors));
            var txn = await store.TxnAsync([EtcdStore.Unchanged(Keys.Cluster, entry.ModRevision)],
                [EtcdStore.PutOp(Keys.Cluster, entry.Value with { Settings = settings }, StoreJsonContext.Default.ClusterRecord)], ct: ct);
            if (txn.Succeeded) return settings;
            if (attempt >= 5) throw ApiException.Conflict("the cluster record kept changing; try again");
        }
    }

    private static async Task<JsonObject> BodyAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject
                ?? throw ApiException.BadRequest("", "the body must be a JSON object of settings and their values");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw ApiException.BadRequest("", $"the request body is not valid JSON: {e.Message}");
        }
    }

    private static async Task RequireNodeAsync(EtcdStore store, string name, CancellationToken ct)
    {
        if (await store.GetValueAsync(Keys.Nodes + name, StoreJsonContext.Default.NodeRecord, ct) is null)
            throw ApiException.NotFound($"no node named '{name}'");
    }
}
