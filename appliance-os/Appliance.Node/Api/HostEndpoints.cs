using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;
using Appliance.Node.Images;
using Appliance.Node.Metrics;
using Appliance.Node.Networking;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node.Api;

public static class HostEndpoints
{
    public static void MapHostEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/host", (HypervisorConnection hv, NodeRuntime runtime, NodeNetwork network, NodeOptions options) =>
        {
            var connection = hv.Current;
            return new HostInfo(
                runtime.Hostname,
                runtime.HostUuid,
                hv.Uri,
                HypervisorConnection.FormatVersion(connection.LibraryVersion),
                HypervisorConnection.FormatVersion(connection.HypervisorVersion),
                runtime.Acceleration,
                runtime.Nested,
                new HostNetwork(network.Mode, network.Bridge, network.Datapath, network.Networks),
                new HostMigration(options.Migration.PeerUri, options.Migration.Address),
                options.StateDirectory);
        });
        app.MapGet("/api/v1/host/metrics", (HostMetricsReader metrics) => metrics.Read());

        var images = app.MapGroup("/api/v1/images");
        images.MapGet("/", (ImageStore store) => store.List());
        images.MapGet("/{name}", (string name, ImageStore store) => store.Get(name));
        // The image as this node stores it (qcow2 for disks), for another node to import: how the cluster copies images.
        images.MapGet("/{name}/content", (string name, ImageStore store) =>
            Results.File(store.Get(name).Path, "application/octet-stream", enableRangeProcessing: true));
        images.MapPost("/", async (ImageImportRequest? request, ImageStore store, CancellationToken ct) =>
        {
            if (request?.Name is null) throw ApiException.BadRequest("name", "name is required");
            if (request.Path is null == request.Url is null) throw ApiException.BadRequest("path", "give path (a file on the node) or url (where to fetch it), not both");
            var image = request.Url is { } url
                ? await store.ImportFromUrlAsync(request.Name, url, request.Kind ?? "disk", request.Format ?? "auto", ct)
                : await store.ImportAsync(request.Name, request.Path!, request.Kind ?? "disk", request.Format ?? "auto", ct);
            return Results.Created($"/api/v1/images/{image.Name}", image);
        });
        images.MapPost("/ova", async (OvaImportRequest? request, OvaImporter importer, CancellationToken ct) =>
            Results.Created($"/api/v1/images", await importer.ImportAsync(request, ct)));
        images.MapDelete("/{name}", (string name, ImageStore store, VmManager vms) =>
        {
            store.Delete(name, vms.UsersOfImage(name));
            return Results.NoContent();
        });
    }
}
