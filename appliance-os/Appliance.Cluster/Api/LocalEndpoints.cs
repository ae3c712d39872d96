using Appliance.Cluster.Configuration;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.State;

namespace Appliance.Cluster.Api;

/// <summary>The control socket: what a person on the host asks of the service (appliance cluster init / join / local status).</summary>
public static class LocalEndpoints
{
    public static void MapLocalEndpoints(this IEndpointRouteBuilder app)
    {
        var local = app.MapGroup("/local").RequireControlSocket();
        local.MapPost("/init", async (InitRequest? request, ClusterInitializer initializer, CancellationToken ct) =>
            await initializer.InitAsync(request?.Name, ct));
        local.MapPost("/join", async (LocalJoinRequest? request, NodeLifecycle lifecycle, CancellationToken ct) =>
        {
            try
            {
                var identity = await lifecycle.JoinAsync(request?.Token, request?.Server, ct);
                return new LocalJoinResult(identity.ClusterName, identity.NodeName);
            }
            catch (InvalidOperationException e)
            {
                throw Node.Api.ApiException.Conflict(e.Message);
            }
        });
        local.MapGet("/status", (ClusterOptions options, ClusterMember member, EtcdMember etcd) =>
        {
            var identity = member.Identity;
            return new LocalStatus(options.NodeName, identity is not null, identity?.ClusterName, member.IsController,
                etcd.Seat?.MemberId, etcd.ProcessId, options.RackAddress.ToString(), options.Listen.ToString().TrimEnd('/'));
        });
    }
}
