using Appliance.Bmc.Accounts;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;

namespace Appliance.Bmc;

/// <summary>
/// Puts the BMC's configuration back to how it left the factory: accounts and the password
/// policy, the management network, boot override, power restore policy, front-panel lockout and
/// PIN, the cluster join token, Serial-over-LAN's configuration, sensor thresholds and the identify LED. It keeps what is history
/// or identity rather than configuration: the SEL (which records the reset), the device and
/// system GUIDs, the FRU and the host's power state, which is not touched.
///
/// Afterwards the only account is the initial administrator, exactly as at first start: with the
/// configured password (--admin-password-file, the deployment's equivalent of the password label
/// on a server's pull-out tag) or, without one, a newly generated password that must be changed
/// at first login. The caller shows a generated password once to whoever is physically present;
/// it is never logged or stored in the clear.
/// </summary>
public sealed class FactoryReset(BmcCore host)
{
    /// <summary>System Event sensor-specific offset 00h, "System Reconfigured".</summary>
    private const byte SystemReconfiguredOffset = 0x00;

    /// <summary>Raised after the core configuration is reset, for front doors to reset their own settings.</summary>
    public event Action? Performed;

    /// <returns>The initial administrator's password when it was generated here; null when it is the configured one.</returns>
    public string? Run(string adminUser, string? configuredPassword)
    {
        host.Sel.Add(BuiltInSensors.Event(BuiltInSensors.SystemEvent, BuiltInSensors.SystemEventType, SystemReconfiguredOffset));

        host.Accounts.DeleteAll();
        host.Accounts.Policy = new AccountPolicy();
        string? generated = host.Accounts.EnsureInitialAdministrator(adminUser, configuredPassword, passwordChangeRequired: false);

        host.Network.Reset();
        host.Boot.Set(BootOverride.None);
        host.Power.RestorePolicy = PowerRestorePolicy.AlwaysOff;
        host.FrontPanelPolicy.Reset();
        host.ClusterJoin.Reset();
        host.PowerLimit.Reset();
        host.Sol.Reset();
        host.Identify.TurnOff();
        StoredThresholds.Forget(host.Sensors, host.Settings);
        StoredHysteresis.Forget(host.Sensors, host.Settings);
        foreach (SensorState sensor in host.Sensors.All)
        {
            host.Sensors.SetThresholds(sensor, sensor.Description.Thresholds);
            host.Sensors.SetHysteresis(sensor, sensor.Description.Hysteresis, sensor.Description.Hysteresis);
            host.Sensors.SetEventsEnabled(sensor, true);
        }

        Performed?.Invoke();
        return generated;
    }
}
