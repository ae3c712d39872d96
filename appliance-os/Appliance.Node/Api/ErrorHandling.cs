using System.Text.Json;
using Appliance.Libvirt;
using Appliance.Node.Hypervisor;
using Appliance.Node.Storage;

namespace Appliance.Node.Api;

/// <summary>Turns every failure into a JSON <see cref="ApiError"/> with a fitting status code;
/// libvirt's own code and message travel along.</summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            var (status, error) = Map(e);
            if (status >= 500)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance.Node.Api")
                    .LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            context.Response.StatusCode = status;
            var json = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            await context.Response.WriteAsJsonAsync(error, json.GetTypeInfo(typeof(ApiError)), contentType: null);
        }
    });

    public static (int Status, ApiError Error) Map(Exception e) => e switch
    {
        ApiException api => (api.Status, new ApiError(api.Message, api.Field)),
        BadHttpRequestException { InnerException: JsonException json } => (400, BadJson(json)),
        BadHttpRequestException bad => (bad.StatusCode, new ApiError(bad.Message)),
        LibvirtException lv => (LibvirtStatus(lv.Code), new ApiError(lv.Message, null, lv.LibvirtMessage, (int)lv.Code)),
        HypervisorUnavailableException down => (503, new ApiError(down.Message)),
        ToolFailedException tool => (500, new ApiError(tool.Message)),
        _ => (500, new ApiError($"internal error: {e.Message}")),
    };

    private static int LibvirtStatus(LibvirtErrorCode code) => code switch
    {
        LibvirtErrorCode.NoDomain or LibvirtErrorCode.NoDomainSnapshot or LibvirtErrorCode.NoNetwork => 404,
        LibvirtErrorCode.OperationInvalid or LibvirtErrorCode.DomExist or LibvirtErrorCode.OperationDenied
            or LibvirtErrorCode.ResourceBusy or LibvirtErrorCode.MigrateUnsafe => 409,
        LibvirtErrorCode.OperationTimeout => 504,
        _ => 500,
    };

    private static ApiError BadJson(JsonException json)
    {
        string? field = Field(json.Path);
        bool wrongType = json.Message.Contains("could not be converted", StringComparison.Ordinal);
        return (field, wrongType) switch
        {
            ({ Length: > 0 }, true) => new ApiError($"the value of '{field}' has the wrong type or format", field),
            ({ Length: > 0 }, false) => new ApiError($"the request body is not valid JSON (at '{field}'): {json.Message}", field),
            _ => new ApiError($"the request body is not valid JSON: {json.Message}"),
        };
    }

    /// <summary>"$.disks[0].sizeMiB" becomes "disks[0].sizeMiB".</summary>
    private static string? Field(string? jsonPath) => jsonPath is null ? null : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
