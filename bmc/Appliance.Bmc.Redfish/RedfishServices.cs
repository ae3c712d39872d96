using Appliance.Bmc.Redfish.Certificates;
using Appliance.Bmc.Redfish.Events;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Redfish.Sessions;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Redfish;

/// <summary>What the Redfish resources work with: the BMC's core services and the Redfish-only state.</summary>
public sealed class RedfishServices : IDisposable
{
    public RedfishServices(BmcCore host, RedfishOptions options, BmcLifetime lifetime, HttpsCertificate certificate)
    {
        Host = host;
        Options = options;
        Lifetime = lifetime;
        Certificate = certificate;
        Sessions = new SessionStore(host);
        Subscriptions = new SubscriptionStore(host.Database);
        Events = new EventBus(host, Subscriptions);
        Ssdp = new Discovery.SsdpResponder(host.Settings, options.Endpoint.Address, ServiceRootUrl, host.DeviceGuid,
            host.Loggers.CreateLogger<Discovery.SsdpResponder>());
        host.Sensors.Polled += OnSensorsPolled;

        // The legacy Power resource shows the power limit beside the sensors, under the same generation.
        host.PowerLimit.Changed += OnSensorsPolled;
        host.FactoryReset.Performed += OnFactoryReset;
    }

    /// <summary>SSDP discovery (ManagerNetworkProtocol.SSDP), off unless enabled.</summary>
    public Discovery.SsdpResponder Ssdp { get; }

    /// <summary>The service root's URL as a client on the management network uses it.</summary>
    public string ServiceRootUrl()
    {
        System.Net.IPAddress address = Options.Endpoint.Address.Equals(System.Net.IPAddress.Any) ? Host.Network.Current.Address : Options.Endpoint.Address;
        return $"https://{address}:{Port}/redfish/v1/";
    }

    private void OnFactoryReset() => Ssdp.Configure(false, Discovery.SsdpResponder.DefaultPort);

    /// <summary>Resource IDs, as bmcweb names them.</summary>
    public const string SystemId = "system";
    public const string ChassisId = "chassis";
    public const string ManagerId = "bmc";

    public const string SystemUri = "/redfish/v1/Systems/" + SystemId;
    public const string ChassisUri = "/redfish/v1/Chassis/" + ChassisId;
    public const string ManagerUri = "/redfish/v1/Managers/" + ManagerId;

    public BmcCore Host { get; }
    public RedfishOptions Options { get; }
    public BmcLifetime Lifetime { get; }
    public HttpsCertificate Certificate { get; }
    public RedfishRouter Router { get; } = new();
    public SessionStore Sessions { get; }
    public SubscriptionStore Subscriptions { get; }
    public EventBus Events { get; }

    /// <summary>True while the access log is on: requests then note who made them for it.</summary>
    public bool AccessLogged { get; set; }

    /// <summary>The port HTTPS is served on (known once the service has started).</summary>
    public int Port { get; set; }

    /// <summary>Counts sensor polls and power limit changes: sensor representations change only when this does.</summary>
    public long SensorGeneration => Interlocked.Read(ref _sensorGeneration);

    private long _sensorGeneration;

    private void OnSensorsPolled() => Interlocked.Increment(ref _sensorGeneration);

    public void Dispose()
    {
        Host.Sensors.Polled -= OnSensorsPolled;
        Host.PowerLimit.Changed -= OnSensorsPolled;
        Host.FactoryReset.Performed -= OnFactoryReset;
        Ssdp.Dispose();
        Events.Dispose();
        Subscriptions.Dispose();
        Sessions.Dispose();
    }
}
