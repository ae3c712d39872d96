using System.Net;
using Appliance.Cluster.Api;
using Appliance.Cluster.Bmc;
using Appliance.Cluster.Configuration;
using Appliance.Cluster.Controller;
using Appliance.Cluster.Etcd;
using Appliance.Cluster.Membership;
using Appliance.Cluster.State;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Appliance.Cluster;

/// <summary>Wires the cluster service: settings, the node's lifecycle, the controller's parts, the HTTPS API and the control socket.</summary>
public static class ClusterApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Defaults first, so appsettings, environment and command line override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        builder.Configuration.AddEnvironmentVariables("APPLIANCE_");
        var options = ClusterOptions.Load(builder.Configuration);
        var member = new ClusterMember();
        var tls = new ServerTls(member);
        var files = new StateFiles(options);
        files.EnsureCreated();
        File.Delete(options.ControlSocket); // left by a service that was killed

        builder.Logging.ClearProviders();
        builder.Logging.AddSystemdConsole();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Listen.Host.Trim('[', ']')), options.Listen.Port, listen =>
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(tls.Options()) }));
            kestrel.ListenUnixSocket(options.ControlSocket);
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(member);
        services.AddSingleton(tls);
        services.AddSingleton(files);
        services.AddSingleton<EtcdMember>();
        services.AddSingleton<HostBmc>();
        services.AddSingleton<JoinClient>();
        services.AddSingleton<JoinService>();
        services.AddSingleton<JoinTokens>();
        services.AddSingleton<ClusterInitializer>();
        services.AddSingleton<SeatKeeper>();
        services.AddSingleton<RedfishCertificates>();
        services.AddSingleton<BmcRefusals>();
        services.AddSingleton<BmcPower>();
        services.AddSingleton<NodeAgents>();
        services.AddSingleton<ImageCopier>();
        services.AddSingleton<VmCpuMeter>();
        services.AddSingleton<PowerTransitions>();
        services.AddSingleton<HaRestarts>();
        services.AddSingleton<Fencing>();
        services.AddSingleton<OrderlyShutdowns>();
        services.AddSingleton<EnergyMeter>();
        services.AddSingleton<PowerManager>();
        services.AddSingleton<VmReconciler>();
        services.AddSingleton<BmcPoller>();
        services.AddSingleton<ClusterController>();
        services.AddSingleton<ClusterViews>();
        services.AddSingleton<EnrollService>();
        services.AddSingleton<VmRequests>();
        services.AddSingleton<NodeLifecycle>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeLifecycle>());
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ClusterJsonContext.Default);
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        var app = builder.Build();
        app.UseClusterErrors();
        app.MapLocalEndpoints();
        app.MapJoinEndpoints();
        app.MapClusterEndpoints();
        app.MapNodeEndpoints();
        app.MapVmEndpoints();
        app.MapPowerEndpoints();
        app.MapWebEndpoints();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // The control socket is for a person on the host: its owner (root) only.
            File.SetUnixFileMode(options.ControlSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            app.Logger.LogInformation("Cluster service for node {Node}: API {Listen}, control socket {Socket}, state {State}",
                options.NodeName, options.Listen, options.ControlSocket, options.StateDirectory);
        });
        return app;
    }
}
