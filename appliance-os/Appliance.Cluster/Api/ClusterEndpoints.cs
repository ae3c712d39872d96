using Appliance.Cluster.Controller;
using Appliance.Cluster.Membership;
using Appliance.Node.Api;

namespace Appliance.Cluster.Api;

/// <summary>The cluster itself, its join tokens and its power log (administrator's certificate required).</summary>
public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireClusterCertificate();
        api.MapGet("/cluster", async (ClusterViews views, CancellationToken ct) => await views.StatusAsync(ct));

        api.MapPost("/join-tokens", async (TokenRequest? request, JoinTokens tokens, CancellationToken ct) =>
        {
            var token = await tokens.CreateAsync(request, ct);
            return Results.Created($"/api/v1/join-tokens/{token.Id}", token);
        });
        api.MapGet("/join-tokens", async (JoinTokens tokens, CancellationToken ct) => await tokens.ListAsync(ct));
        api.MapDelete("/join-tokens/{id}", async (string id, JoinTokens tokens, CancellationToken ct) =>
            await tokens.DeleteAsync(id, ct) ? Results.NoContent() : throw ApiException.NotFound($"no join token {id}"));

        api.MapGet("/power-log", async (string? node, ClusterMember member, CancellationToken ct) =>
            await PowerLog.ListAsync(member.RequireStore(), node, ct));
    }
}
