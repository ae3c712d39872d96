using Appliance.Bmc.Power;
using Appliance.Bmc.Sel;
using Appliance.Bmc.Sensors;
using Appliance.Bmc.Storage;
using Appliance.Bmc.Thermal;
using Appliance.Hw;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc;

/// <summary>
/// The BMC's services on one board: persistent state, the event log, power, sensors and fans.
/// The protocol front doors (IPMI, Redfish, the front panel) are built on top of this.
/// </summary>
public sealed class BmcHost : IDisposable
{
    public BmcHost(Board board, string stateDirectory, TimeProvider time, ILoggerFactory loggers)
    {
        Board = board;
        Time = time;
        Loggers = loggers;
        Database = new BmcDatabase(stateDirectory);
        Settings = new SettingsStore(Database);
        Sel = new SelLog(Database, time);
        Power = new PowerControl(board, Sel, Settings, time, loggers.CreateLogger<PowerControl>());
        Sensors = new SensorMonitor(board, Sel, time, loggers.CreateLogger<SensorMonitor>());
        Thermal = new ThermalControl(board, Sensors, time, loggers.CreateLogger<ThermalControl>());
    }

    public Board Board { get; }
    public TimeProvider Time { get; }
    public ILoggerFactory Loggers { get; }
    public BmcDatabase Database { get; }
    public SettingsStore Settings { get; }
    public SelLog Sel { get; }
    public PowerControl Power { get; }
    public SensorMonitor Sensors { get; }
    public ThermalControl Thermal { get; }

    /// <param name="acPowerRestored">True when the board has just received AC power (not a BMC restart): applies the restore policy.</param>
    public void Start(bool acPowerRestored)
    {
        Sensors.Start();
        Thermal.Start();
        Power.Start(acPowerRestored);
    }

    public void Dispose()
    {
        Thermal.Dispose();
        Sensors.Dispose();
        Power.Dispose();
        Sel.Dispose();
        Settings.Dispose();
    }
}
