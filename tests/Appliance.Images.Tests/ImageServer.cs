using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Appliance.Images.Tests;

/// <summary>
/// A web server (Kestrel) on 127.0.0.1 serving a folder's files: where SimpleUpdate fetches images.
/// The guest reaches it as 10.0.2.2 through QEMU's user-mode network and names that host in its
/// requests, so the server answers whatever Host a request carries.
/// </summary>
public sealed class ImageServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<string> _requests = [];

    private ImageServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<ImageServer> StartAsync(string directory)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        int port = QemuMachine.FreePort();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
        WebApplication app = builder.Build();
        var server = new ImageServer(app, port);
        app.MapGet("/{name}", (string name, HttpContext context) =>
        {
            lock (server._requests)
            {
                server._requests.Add(context.Request.Path.Value!);
            }

            string file = Path.Combine(directory, Path.GetFileName(name));
            return File.Exists(file) ? Results.File(file, "application/octet-stream") : Results.NotFound();
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
