using Appliance.Bmc.Redfish.Certificates;
using Appliance.Bmc.Redfish.Events;
using Appliance.Bmc.Redfish.Protocol;
using Appliance.Bmc.Redfish.Sessions;

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
        host.Sensors.Polled += OnSensorsPolled;
    }

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

    /// <summary>Counts sensor polls: sensor representations change only when this does.</summary>
    public long SensorGeneration => Interlocked.Read(ref _sensorGeneration);

    private long _sensorGeneration;

    private void OnSensorsPolled() => Interlocked.Increment(ref _sensorGeneration);

    public void Dispose()
    {
        Host.Sensors.Polled -= OnSensorsPolled;
        Events.Dispose();
        Subscriptions.Dispose();
        Sessions.Dispose();
    }
}
