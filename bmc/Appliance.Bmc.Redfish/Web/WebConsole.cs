using System.Reflection;

namespace Appliance.Bmc.Web;

/// <summary>
/// Serves the web console: static files embedded in the BMC binary (no CDN, works offline). The
/// console talks to the BMC only through Redfish, with the same accounts.
/// </summary>
public static class WebConsole
{
    private static readonly Dictionary<string, (byte[] Bytes, string ContentType, string ETag)> Files = Load();

    public static void Map(WebApplication app)
    {
        app.MapGet("/", http => ServeAsync(http, "index.html"));
        app.MapGet("/{file}", (HttpContext http, string file) => ServeAsync(http, file));
    }

    private static Task ServeAsync(HttpContext http, string name)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        http.Response.Headers.ETag = file.ETag;
        http.Response.Headers.CacheControl = "no-cache";
        if (http.Request.Headers.IfNoneMatch == file.ETag)
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        http.Response.ContentType = file.ContentType;
        http.Response.ContentLength = file.Bytes.Length;
        return http.Response.Body.WriteAsync(file.Bytes, http.RequestAborted).AsTask();
    }

    private static Dictionary<string, (byte[], string, string)> Load()
    {
        Assembly assembly = typeof(WebConsole).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (string resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("web/", StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] bytes = buffer.ToArray();
            string name = resource["web/".Length..];
            string type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files[name] = (bytes, type, Redfish.Protocol.RedfishJson.ETag(bytes));
        }

        return files;
    }
}
