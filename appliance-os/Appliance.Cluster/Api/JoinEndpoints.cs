using Appliance.Cluster.Membership;

namespace Appliance.Cluster.Api;

/// <summary>What a joining node may call without a certificate: the CA (to check against its token) and the join itself (the token's secret authenticates it).</summary>
public static class JoinEndpoints
{
    public static void MapJoinEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireHttps();
        api.MapGet("/cluster/ca", (ClusterMember member) =>
        {
            var identity = member.RequireIdentity();
            return new CaResponse(identity.ClusterName, identity.Ca.ExportCertificatePem());
        });
        api.MapPost("/join", async (JoinRequest? request, JoinService join, CancellationToken ct) => await join.JoinAsync(request, ct));
    }
}
