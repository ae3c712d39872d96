using System.Net;
using Appliance.Bmc.Redfish.Accounts;
using Appliance.Bmc.Redfish.Certificates;
using Appliance.Bmc.Redfish.Errors;
using Appliance.Bmc.Redfish.Events;
using Appliance.Bmc.Redfish.Managers;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Redfish.Sessions;
using Appliance.Bmc.Redfish.Systems;
using Appliance.Bmc.Web;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish;

/// <summary>
/// The Redfish service and the web console: Kestrel on HTTPS only (TLS 1.2+), inside the BMC
/// process. Every /redfish URI is a resource registered by the files in this folder (one file
/// per Redfish resource); the dispatcher does the protocol around them.
/// </summary>
public sealed class RedfishService : IFrontDoor
{
    /// <summary>Request bodies larger than this are refused (413 PayloadTooLarge).</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;
    public const int MaxConnections = 128;

    private readonly BmcCore _host;
    private readonly IPEndPoint[] _endpoints;
    private readonly List<ListenOptions> _listening = [];
    private readonly ILogger _log;
    private WebApplication? _app;

    public RedfishService(BmcCore host, RedfishOptions options, BmcLifetime lifetime)
    {
        _host = host;
        _endpoints = [options.Endpoint, .. options.OtherEndpoints];
        _log = host.Loggers.CreateLogger<RedfishService>();
        string[] names = new[] { options.HostName, host.Network.Current.HostName }.OfType<string>().Distinct().ToArray();
        IPAddress[] addresses = _endpoints.Select(e => e.Address).Append(host.Network.Current.Address).Where(a => !a.Equals(IPAddress.Any)).Distinct().ToArray();
        var certificate = new HttpsCertificate(host.StateDirectory, names, addresses, host.Loggers.CreateLogger<HttpsCertificate>());
        Services = new RedfishServices(host, options, lifetime, certificate);
    }

    public RedfishServices Services { get; }

    /// <summary>The bound port (the configured one, or the one the system chose for port 0).</summary>
    public int Port => Services.Port;

    /// <summary>Every endpoint, in the order given: once started, as bound (the port the system chose for port 0).</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _listening.Count == _endpoints.Length
        ? [.. _listening.Select((l, i) => l.IPEndPoint ?? _endpoints[i])]
        : _endpoints;

    public string Description => $"Redfish and web console on {string.Join(", ", LocalEndPoints.Select(e => $"https://{e}"))}";

    public async Task StartAsync(CancellationToken ct)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_host.Loggers);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = MaxConnections;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            _listening.Clear();
            foreach (IPEndPoint endpoint in _endpoints)
            {
                kestrel.Listen(endpoint, listen =>
                {
                    // Kestrel puts the endpoint it bound here, so a port 0 becomes the real one.
                    _listening.Add(listen);
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(Services.Certificate.ServerOptions),
                    });
                });
            }
        });

        WebApplication app = builder.Build();
        ILogger accessLog = _host.Loggers.CreateLogger(AccessLog.Category);
        if (accessLog.IsEnabled(LogLevel.Information))
        {
            Services.AccessLogged = true;
            app.Use(new RedfishAccessLog(accessLog).InvokeAsync);
        }

        app.Use(SecurityHeaders);
        app.UseWebSockets();
        MapResources();
        var dispatcher = new RedfishDispatcher(Services, _log);
        RouteGroupBuilder redfish = app.MapGroup("");
        foreach (RedfishResource resource in Services.Router.Resources)
        {
            redfish.MapMethods(resource.Template, ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"], http => dispatcher.HandleAsync(http, resource));
        }

        app.MapMethods("/redfish/{**rest}", ["GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"], NotFoundAsync);
        SerialConsoleSocket.Map(app, Services);
        WebConsole.Map(app);

        await app.StartAsync(ct).ConfigureAwait(false);
        _app = app;
        // The port ManagerNetworkProtocol reports: the management address's (the first not on loopback), else the first endpoint's.
        IReadOnlyList<IPEndPoint> bound = LocalEndPoints;
        Services.Port = bound.FirstOrDefault(e => !IPAddress.IsLoopback(e.Address) && !e.Address.Equals(IPAddress.Any))?.Port ?? bound[0].Port;
        try
        {
            Services.Ssdp.Start();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            _log.LogError("SSDP is enabled but port {Port} cannot be used ({Error}); discovery is off until it is changed", Services.Ssdp.Port, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Services.Events.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        Services.Dispose();
    }

    private void MapResources()
    {
        ServiceRoot.Map(Services);
        ComputerSystem.Map(Services);
        Chassis.Chassis.Map(Services);
        Manager.Map(Services);
        SessionService.Map(Services);
        AccountService.Map(Services);
        EventService.Map(Services);
        CertificateService.Map(Services);
        Registries.Map(Services);
        OemSchemas.Map(Services);
    }

    private static Task NotFoundAsync(HttpContext http)
    {
        http.Response.Headers["OData-Version"] = "4.0";
        try
        {
            RedfishDispatcher.RequireODataVersion(http);
        }
        catch (RedfishException e)
        {
            return RedfishDispatcher.WriteErrorAsync(http, e);
        }

        string path = http.Request.Path.Value?.TrimEnd('/') ?? "";
        return RedfishDispatcher.WriteErrorAsync(http, new RedfishException(StatusCodes.Status404NotFound,
            BaseMessages.ResourceNotFound("Resource", path[(path.LastIndexOf('/') + 1)..])));
    }

    private static Task SecurityHeaders(HttpContext http, Func<Task> next)
    {
        IHeaderDictionary headers = http.Response.Headers;
        headers["Strict-Transport-Security"] = "max-age=31536000";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        // The serial console's terminal (xterm.js) sizes and colours itself with <style> elements it writes;
        // those are allowed, style attributes and everything else stay 'self' only.
        headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-elem 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        return next();
    }
}
