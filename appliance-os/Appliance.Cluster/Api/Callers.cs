using Appliance.Cluster.Membership;
using Appliance.Cluster.Security;
using Appliance.Node.Api;

namespace Appliance.Cluster.Api;

/// <summary>
/// Who may call what: the cluster API is HTTPS; its administrative routes need a client certificate
/// from the cluster's CA (the administrator's from cluster.json, or a node's); the control routes are
/// only on the local socket (plain HTTP, owner-only file), for a person on the host.
/// </summary>
public static class Callers
{
    public static RouteGroupBuilder RequireClusterCertificate(this RouteGroupBuilder group) => group.AddEndpointFilter(async (context, next) =>
    {
        var http = context.HttpContext;
        if (!http.Request.IsHttps) return Results.NotFound();
        var identity = http.RequestServices.GetRequiredService<ClusterMember>().RequireIdentity();
        var certificate = http.Connection.ClientCertificate
            ?? throw new ApiException(StatusCodes.Status401Unauthorized, "this request needs the cluster administrator's client certificate (the credentials in cluster.json)");
        string name = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false);
        if (!ClusterTrust.IsIssuedBy(certificate, identity.Ca, ClusterTrust.ClientAuth)
            || !(name.StartsWith(ClusterCa.AdminPrefix, StringComparison.Ordinal) || name.StartsWith(ClusterCa.NodePrefix, StringComparison.Ordinal)))
            throw new ApiException(StatusCodes.Status403Forbidden, $"the client certificate '{certificate.Subject}' is not from cluster {identity.ClusterName}'s CA");
        return await next(context);
    });

    public static RouteGroupBuilder RequireHttps(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) => context.HttpContext.Request.IsHttps ? await next(context) : Results.NotFound());

    public static RouteGroupBuilder RequireControlSocket(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) => context.HttpContext.Request.IsHttps ? Results.NotFound() : await next(context));
}
