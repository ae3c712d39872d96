using System.Text.Json;
using Appliance.Cluster.Membership;
using Appliance.Ipmi.Client;
using Appliance.Node.Api;
using Grpc.Core;

namespace Appliance.Cluster.Api;

/// <summary>Every failure becomes a JSON <see cref="ApiError"/> with a fitting status; etcd being out of reach is a 503 that says so.</summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseClusterErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, error) = Map(e);
            if (status >= 500)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance.Cluster.Api")
                    .LogWarning("{Method} {Path} failed: {Error}", context.Request.Method, context.Request.Path, error.Error);
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(error, ApiJson.Context.ApiError, contentType: null);
        }
    });

    public static (int Status, ApiError Error) Map(Exception e) => e switch
    {
        ApiException api => (api.Status, new ApiError(api.Message, api.Field)),
        JoinRefusedException refused => (StatusCodes.Status403Forbidden, new ApiError(refused.Message, "token")),
        JoinUnreachableException unreachable => (StatusCodes.Status502BadGateway, new ApiError(unreachable.Message)),
        BadHttpRequestException { InnerException: JsonException json } => (400, new ApiError($"the request body is not valid JSON: {json.Message}", Field(json.Path))),
        JsonException json => (400, new ApiError($"the request body is not valid JSON: {json.Message}", Field(json.Path))),
        BadHttpRequestException bad => (bad.StatusCode, new ApiError(bad.Message)),
        RpcException rpc => (StatusCodes.Status503ServiceUnavailable, new ApiError($"the cluster store (etcd) did not answer: {rpc.Status.Detail}")),
        // etcd's client reports a member it could not connect to as a cancellation the caller never asked for.
        OperationCanceledException cancelled => (StatusCodes.Status503ServiceUnavailable, new ApiError($"the cluster store (etcd) did not answer: {cancelled.GetBaseException().Message}")),
        IpmiException ipmi => (StatusCodes.Status502BadGateway, new ApiError(ipmi.Message)),
        _ => (500, new ApiError($"internal error: {e.Message}")),
    };

    private static string? Field(string? jsonPath) => jsonPath is null ? null : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : null;
}
