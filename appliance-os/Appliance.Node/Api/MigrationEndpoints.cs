using Appliance.Node.Migration;

namespace Appliance.Node.Api;

public static class MigrationEndpoints
{
    public static void MapMigrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/vms/{name}/migrate", (string name, MigrationRequest? request, MigrationService migration, CancellationToken ct) =>
            migration.MigrateAsync(name, request, ct));
        app.MapPost("/api/v1/migrations/incoming", async (IncomingMigrationRequest? request, IncomingMigrations incoming, CancellationToken ct) =>
            Results.Created($"/api/v1/migrations/incoming/{request?.Name}", await incoming.PrepareAsync(request, ct)));
        app.MapDelete("/api/v1/migrations/incoming/{name}", (string name, IncomingMigrations incoming) =>
        {
            incoming.Abort(name);
            return Results.NoContent();
        });
    }
}
