using Appliance.Node.Vms;

namespace Appliance.Node.Api;

public static class VmEndpoints
{
    public static void MapVmEndpoints(this IEndpointRouteBuilder app)
    {
        var vms = app.MapGroup("/api/v1/vms");
        vms.MapGet("/", (VmManager m) => m.List());
        vms.MapPost("/", async (VmSpec? spec, VmManager m, CancellationToken ct) =>
        {
            var created = await m.CreateAsync(spec, ct);
            return Results.Created($"/api/v1/vms/{created.Name}", created);
        });
        vms.MapGet("/{name}", (string name, VmManager m) => m.Get(name));
        vms.MapDelete("/{name}", (string name, VmManager m) =>
        {
            m.Delete(name);
            return Results.NoContent();
        });
        vms.MapPost("/{name}/start", (string name, VmPower p) => p.Start(name));
        vms.MapPost("/{name}/shutdown", async (string name, ShutdownRequest? request, VmPower p, CancellationToken ct) =>
        {
            TimeSpan? timeout = null;
            if (request?.TimeoutSeconds is { } seconds)
            {
                if (seconds is <= 0 or > 3600) throw ApiException.BadRequest("timeoutSeconds", "timeoutSeconds must be more than 0 and at most 3600");
                timeout = TimeSpan.FromSeconds(seconds);
            }
            return await p.ShutdownAsync(name, timeout, ct);
        });
        vms.MapPost("/{name}/poweroff", (string name, VmPower p) => p.PowerOff(name));
        vms.MapPost("/{name}/reboot", (string name, VmPower p) => p.Reboot(name));
        vms.MapPost("/{name}/suspend", (string name, VmPower p) => p.Suspend(name));
        vms.MapPost("/{name}/resume", (string name, VmPower p) => p.Resume(name));
        vms.MapGet("/{name}/console", (string name, long? offset, VmManager m) =>
        {
            if (offset is < 0) throw ApiException.BadRequest("offset", "offset must not be negative");
            var (text, next) = ConsoleLog.Read(m.ConsoleLogPath(name) ?? "", offset);
            return Results.Text(text, "text/plain; charset=utf-8", statusCode: 200)
                .WithHeader("X-Console-Offset", next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });

        vms.MapGet("/{name}/snapshots", (string name, SnapshotManager s) => s.List(name));
        vms.MapPost("/{name}/snapshots", (string name, SnapshotRequest? request, SnapshotManager s) =>
        {
            var snapshot = s.Create(name, request);
            return Results.Created($"/api/v1/vms/{name}/snapshots/{snapshot.Name}", snapshot);
        });
        vms.MapPost("/{name}/snapshots/{snapshot}/revert", (string name, string snapshot, SnapshotManager s) => s.Revert(name, snapshot));
        vms.MapDelete("/{name}/snapshots/{snapshot}", (string name, string snapshot, SnapshotManager s) =>
        {
            s.Delete(name, snapshot);
            return Results.NoContent();
        });
    }
}

/// <summary>Adds a response header to a result.</summary>
internal sealed class HeaderResult(IResult inner, string name, string value) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.Headers[name] = value;
        return inner.ExecuteAsync(context);
    }
}

internal static class ResultExtensions
{
    public static IResult WithHeader(this IResult result, string name, string value) => new HeaderResult(result, name, value);
}
