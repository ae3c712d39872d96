using System.Net;
using System.Net.NetworkInformation;
using Appliance.Bmc.Accounts;
using Appliance.Bmc.Chassis;
using Appliance.Bmc.Cluster;
using Appliance.Bmc.Inventory;
using Appliance.Bmc.Network;
using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Bmc.Serial;
using Appliance.Bmc.Storage;
using Appliance.Bmc.Thermal;
using Appliance.Bmc.Watchdog;
using Appliance.Hw;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc;

/// <summary>
/// The BMC's services on one board: persistent state, the event log, power, sensors and fans.
/// The protocol front doors (IPMI, Redfish, the front panel) are built on top of this.
/// </summary>
public sealed class BmcCore : IDisposable
{
    public BmcCore(Board board, string stateDirectory, TimeProvider time, ILoggerFactory loggers, NetworkConfiguration? networkDefaults = null)
    {
        Board = board;
        Time = time;
        Loggers = loggers;
        StateDirectory = stateDirectory;
        Database = new BmcDatabase(stateDirectory);
        Settings = new SettingsStore(Database);
        Sel = new SelLog(Database, time);
        Secrets = new SecretProtector(stateDirectory);
        Accounts = new AccountStore(Database, Secrets, Settings, time);
        Accounts.LockedOut += account => Sel.Add(BuiltInSensors.AccountLockedOut(account.Id));
        Network = new NetworkSettings(Settings, networkDefaults ?? DefaultNetwork(board));
        Identify = new ChassisIdentify(board, time);
        Boot = new BootOptions(Settings, board);
        FrontPanelPolicy = new FrontPanelPolicy(Settings, time, board.Description);
        ClusterJoin = new ClusterJoin(Settings);
        DeviceGuid = PersistentGuid("bmc.device_guid");
        SystemGuid = PersistentGuid("bmc.system_guid");
        Power = new PowerControl(board, Sel, Settings, time, loggers.CreateLogger<PowerControl>());
        Sensors = new SensorMonitor(board, Sel, time, loggers.CreateLogger<SensorMonitor>());

        // Thresholds and hysteresis changed at run time (IPMI Set Sensor Thresholds/Hysteresis) apply before the first poll.
        StoredThresholds.Restore(Sensors, Settings);
        StoredHysteresis.Restore(Sensors, Settings);
        Watchdog = new HostWatchdog(Power, Sel, time, loggers.CreateLogger<HostWatchdog>());
        Thermal = new ThermalControl(board, Sensors, time, loggers.CreateLogger<ThermalControl>());
        Inventory = new HostInventory(board, Settings, loggers.CreateLogger<HostInventory>());
        PowerOnHours = new PowerOnHours(board, Settings, time);
        PowerLimit = new PowerLimit(Settings, Sensors, Power, Sel, time, loggers.CreateLogger<PowerLimit>());
        HostConsole = new HostConsole(board, loggers.CreateLogger<HostConsole>());
        Sol = new SolConfiguration(Settings);
        FactoryReset = new FactoryReset(this);
    }

    public Board Board { get; }
    public string StateDirectory { get; }

    /// <summary>Seals the secrets the BMC must keep reversible (IPMI user keys, K_g) under one key file.</summary>
    public SecretProtector Secrets { get; }
    public AccountStore Accounts { get; }
    public NetworkSettings Network { get; }
    public ChassisIdentify Identify { get; }
    public BootOptions Boot { get; }

    /// <summary>Front-panel button lockout and setup PIN (IPMI chassis commands, Redfish, the panel).</summary>
    public FrontPanelPolicy FrontPanelPolicy { get; }

    /// <summary>The cluster join token for the host's node agent, and the membership it reports.</summary>
    public ClusterJoin ClusterJoin { get; }

    /// <summary>Back to factory configuration, keeping the SEL (front panel, Redfish Manager.ResetToDefaults).</summary>
    public FactoryReset FactoryReset { get; }

    /// <summary>The BMC's own GUID (IPMI Get Device GUID, Redfish ServiceRoot UUID); fixed at first start.</summary>
    public Guid DeviceGuid { get; }

    /// <summary>The managed system's GUID (IPMI Get System GUID, Redfish ComputerSystem UUID).</summary>
    public Guid SystemGuid { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory Loggers { get; }
    public BmcDatabase Database { get; }
    public SettingsStore Settings { get; }
    public SelLog Sel { get; }
    public PowerControl Power { get; }
    public SensorMonitor Sensors { get; }
    public ThermalControl Thermal { get; }

    /// <summary>Processors (from the BIOS's SMBIOS hand-off) and DIMMs (from their SPDs).</summary>
    public HostInventory Inventory { get; }

    /// <summary>Time with PS_PWROK asserted (IPMI Get POH Counter).</summary>
    public PowerOnHours PowerOnHours { get; }

    /// <summary>The host's power cap (DCMI power limit, Redfish power limit Control).</summary>
    public PowerLimit PowerLimit { get; }

    /// <summary>The host watchdog (IPMI Set/Get/Reset Watchdog Timer): resets, powers down or cycles a host that stops resetting it.</summary>
    public HostWatchdog Watchdog { get; }

    /// <summary>The host's serial console and its recent output (Serial-over-LAN, the web console).</summary>
    public HostConsole HostConsole { get; }

    /// <summary>Serial-over-LAN's configuration (IPMI SOL parameters; Redfish SerialConsole.IPMI).</summary>
    public SolConfiguration Sol { get; }

    /// <summary>The front panel's LCD and buttons for remote mirrors; null on a board without a panel service.</summary>
    public IFrontPanelMirror? FrontPanelMirror { get; set; }

    /// <param name="acPowerRestored">True when the board has just received AC power (not a BMC restart): applies the restore policy.</param>
    public void Start(bool acPowerRestored)
    {
        Sensors.Start();
        Thermal.Start();
        Inventory.Start();
        Power.Start(acPowerRestored);
        PowerOnHours.Start();
    }

    public void Dispose()
    {
        HostConsole.Dispose();
        PowerLimit.Dispose();
        PowerOnHours.Dispose();
        Inventory.Dispose();
        Thermal.Dispose();
        Sensors.Dispose();
        Watchdog.Dispose();
        Power.Dispose();
        Boot.Dispose();
        Identify.Dispose();
        Accounts.Dispose();
        Sel.Dispose();
        Settings.Dispose();
    }

    private Guid PersistentGuid(string key)
    {
        if (Settings.Get(key) is string text && Guid.TryParse(text, out Guid guid))
        {
            return guid;
        }

        guid = Guid.NewGuid();
        Settings.Set(key, guid.ToString());
        return guid;
    }

    private static NetworkConfiguration DefaultNetwork(Board board) => new(
        IpAddressSource.Static,
        IPAddress.Loopback,
        IPAddress.Parse("255.0.0.0"),
        IPAddress.Any,
        PhysicalAddress.Parse("02-00-00-00-00-01"),
        board.Description.Model + "-bmc");
}
