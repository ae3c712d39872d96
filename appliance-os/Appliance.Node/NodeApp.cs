using Appliance.Libvirt.Xml;
using Appliance.Node.Api;
using Appliance.Node.Configuration;
using Appliance.Node.Hypervisor;
using Appliance.Node.Images;
using Appliance.Node.Metrics;
using Appliance.Node.Migration;
using Appliance.Node.Networking;
using Appliance.Node.Storage;
using Appliance.Node.Vms;

namespace Appliance.Node;

/// <summary>Wires the node agent: configuration, services, the HTTP API, and the start-up checks.</summary>
public static class NodeApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Defaults first, so appsettings, environment and command line override them: a service logs
        // what it does, not every HTTP request it serves.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        builder.Configuration.AddEnvironmentVariables("APPLIANCE_");
        var options = NodeOptions.Load(builder.Configuration);
        builder.WebHost.UseUrls(options.Listen);
        builder.Logging.ClearProviders();
        builder.Logging.AddSystemdConsole();

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<HypervisorConnection>();
        services.AddSingleton<NodeRuntime>();
        services.AddSingleton<AccelerationProbe>();
        services.AddSingleton<NodeStorage>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<OvaImporter>();
        services.AddSingleton<NodeNetwork>();
        services.AddSingleton<VmSpecValidator>();
        services.AddSingleton<VmManager>();
        services.AddSingleton<VmPower>();
        services.AddSingleton<SnapshotManager>();
        services.AddSingleton<HostSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<HostSampler>());
        services.AddHostedService<VmEventWatcher>();
        services.AddSingleton<HostCapacitySource>();
        services.AddSingleton<HostMetricsReader>();
        services.AddSingleton<MigrationService>();
        services.AddSingleton<IncomingMigrations>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, NodeJsonContext.Default);
            // Messages quote names ('vm-1'); keep them readable rather than \u0027-escaped.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        app.UseApiErrors();
        app.MapHostEndpoints();
        app.MapVmEndpoints();
        app.MapMigrationEndpoints();
        return app;
    }

    /// <summary>Connects to the hypervisor, probes acceleration and nesting, and readies storage and networking.
    /// Runs before the API starts listening, so the API never answers for a half-ready node.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken ct = default)
    {
        var services = app.Services;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance.Node");
        var options = services.GetRequiredService<NodeOptions>();
        services.GetRequiredService<NodeStorage>().EnsureCreated();
        services.GetRequiredService<HostCapacitySource>().Load();

        var connection = services.GetRequiredService<HypervisorConnection>().Current;
        var runtime = services.GetRequiredService<NodeRuntime>();
        runtime.Hostname = connection.Hostname;
        runtime.HostUuid = HostCapabilities.Parse(connection.GetCapabilities()).HostUuid;
        runtime.Acceleration = services.GetRequiredService<AccelerationProbe>().Run();
        runtime.Nested = NestedVirtualization.Detect(runtime.Acceleration);
        logger.LogInformation("Nested virtualization: {Supported} ({Reason})", runtime.Nested.Supported ? "available" : "not available", runtime.Nested.Reason);

        await services.GetRequiredService<NodeNetwork>().EnsureAsync(ct);
        logger.LogInformation("Node agent for {Uri} (host {Host}, uuid {Uuid}), storage {Storage}, API {Listen}",
            options.LibvirtUri, runtime.Hostname, runtime.HostUuid, options.StateDirectory, options.Listen);
    }
}
