using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Chassis;
using Appliance.Bmc.Ipmi.Dcmi;
using Appliance.Bmc.Ipmi.Oem;
using Appliance.Bmc.Ipmi.Pef;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Ipmi.Storage;
using Appliance.Bmc.Ipmi.Sol;
using Appliance.Bmc.Ipmi.Transport;
using Appliance.Bmc.Watchdog;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using Microsoft.Extensions.Logging;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// Every IPMI command the BMC answers, with the privilege it needs (IPMI v2.0 appendix G), and
/// the handler that answers it, over LAN and through the system interface alike. The session layer
/// in Appliance.Ipmi answers the session commands itself over LAN (Get Channel Authentication
/// Capabilities, Get Channel Cipher Suites, Get System GUID, Set Session Privilege Level, Close
/// Session, Get Session Info); <see cref="SystemInterface.SystemInterfaceSessionCommands"/> answers them from the host.
/// </summary>
public sealed class IpmiCommands : IDisposable
{
    private readonly List<(NetFn NetFn, byte Command, PrivilegeLevel Required)> _registered = [];
    private readonly BmcCore _host;
    private readonly LanChannel _channel;
    private readonly SelIndex _selIndex;
    private readonly PowerStatistics _power;
    private readonly BootParameters _boot;
    private readonly BootFlagValidBit _bootFlagValidBit;
    private readonly UserLinkAuthentication _linkAuthentication;

    /// <param name="trapPort">UDP port PEF's PET traps go to (162; tests on loopback give another).</param>
    public IpmiCommands(BmcCore host, HostWatchdog watchdog, LanChannel channel, ChannelSecurityKeys keys, LanSessions sessions, BmcLifetime lifetime, ILogger logger,
        int trapPort = PlatformEventTrap.DefaultPort)
    {
        _channel = channel;
        Table = new IpmiCommandTable(logger);
        Sensors = new SensorDirectory(host);
        Sdr = new SdrRepository(Sensors, $"{host.Board.Description.Model} BMC", host.Settings, host.Time.GetUtcNow());
        _host = host;
        host.Sensors.SettingsChanged += RebuildSdr;
        _selIndex = new SelIndex(host.Sel);
        _power = new PowerStatistics(host.Sensors, host.Time);
        var powerRequests = new PowerRequests();
        var boot = _boot = new BootParameters(host.Settings);
        var bootFlagValidBit = _bootFlagValidBit = new BootFlagValidBit(host.Boot, boot, host.Power, host.Board, host.Time);
        var fru = new FruInventory(host.Board);
        var lanProgress = new LanSetInProgress();
        var disabledVlan = new DisabledVlan(host.Settings);
        var deviceId = new GetDeviceIdHandler();
        _linkAuthentication = new UserLinkAuthentication(host.Settings, host.Accounts);
        PefSettings = new PefConfiguration(host.Settings);
        PefEngine = new PefEngine(host, PefSettings, trapPort, logger);
        var pefProgress = new PefSetInProgress();
        var alertString = new VolatileAlertString();
        var solProgress = new LanSetInProgress(); // SOL parameter 0 means what LAN parameter 0 does
        DeviceId = deviceId.Identity;

        const PrivilegeLevel user = PrivilegeLevel.User;
        const PrivilegeLevel operatorLevel = PrivilegeLevel.Operator;
        const PrivilegeLevel admin = PrivilegeLevel.Administrator;

        // App
        Add(NetFn.App, AppCommand.GetDeviceId, user, deviceId.Handle);
        Add(NetFn.App, AppCommand.ColdReset, admin, new ColdResetHandler(lifetime).Handle);
        Add(NetFn.App, AppCommand.GetSelfTestResults, user, new GetSelfTestResultsHandler(host).Handle);
        Add(NetFn.App, AppCommand.GetDeviceGuid, user, new GetDeviceGuidHandler(host.DeviceGuid).Handle);
        Add(NetFn.App, AppCommand.ResetWatchdogTimer, operatorLevel, new ResetWatchdogTimerHandler(watchdog).Handle);
        Add(NetFn.App, AppCommand.SetWatchdogTimer, operatorLevel, new SetWatchdogTimerHandler(watchdog).Handle);
        Add(NetFn.App, AppCommand.GetWatchdogTimer, user, new GetWatchdogTimerHandler(watchdog).Handle);
        Add(NetFn.App, AppCommand.SetChannelAccess, admin, new SetChannelAccessHandler(channel).Handle);
        Add(NetFn.App, AppCommand.GetChannelAccess, user, new GetChannelAccessHandler(channel).Handle);
        Add(NetFn.App, AppCommand.SetChannelSecurityKeys, admin, new SetChannelSecurityKeysHandler(keys).Handle);
        Add(NetFn.App, AppCommand.GetChannelInfo, user, new GetChannelInfoHandler(sessions).Handle);
        Add(NetFn.App, AppCommand.SetUserAccess, admin, new SetUserAccessHandler(host.Accounts, _linkAuthentication).Handle);
        Add(NetFn.App, AppCommand.GetUserAccess, operatorLevel, new GetUserAccessHandler(host.Accounts, _linkAuthentication).Handle);
        Add(NetFn.App, AppCommand.SetUserName, admin, new SetUserNameHandler(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.GetUserName, operatorLevel, new GetUserNameHandler(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.SetUserPassword, admin, new SetUserPasswordHandler(host.Accounts).Handle);

        // Chassis
        var status = new GetChassisStatusHandler(host, powerRequests);
        Add(NetFn.Chassis, ChassisCommand.GetChassisCapabilities, user, new GetChassisCapabilitiesHandler(host).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetChassisStatus, user, status.Handle);
        Add(NetFn.Chassis, ChassisCommand.ChassisControl, operatorLevel, new ChassisControlHandler(host.Power, powerRequests, bootFlagValidBit).Handle);
        Add(NetFn.Chassis, ChassisCommand.ChassisIdentify, operatorLevel, new ChassisIdentifyHandler(host.Identify).Handle);
        Add(NetFn.Chassis, ChassisCommand.SetPowerRestorePolicy, operatorLevel, new SetPowerRestorePolicyHandler(host.Power).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetSystemRestartCause, user, new GetSystemRestartCauseHandler(host.Power).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetPohCounter, user, new GetPohCounterHandler(host.PowerOnHours).Handle);
        Add(NetFn.Chassis, ChassisCommand.SetFrontPanelEnables, admin, new SetFrontPanelEnablesHandler(host.FrontPanelPolicy).Handle);
        Add(NetFn.Chassis, ChassisCommand.SetSystemBootOptions, operatorLevel, new SetSystemBootOptionsHandler(host.Boot, boot, bootFlagValidBit).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetSystemBootOptions, operatorLevel, new GetSystemBootOptionsHandler(host.Boot, boot).Handle);

        // Sensor/Event
        Add(NetFn.SensorEvent, SensorEventCommand.PlatformEvent, operatorLevel, new PlatformEventHandler(host.Sel).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetPefCapabilities, user, new GetPefCapabilitiesHandler().Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.ArmPefPostponeTimer, admin, new ArmPefPostponeTimerHandler(PefEngine).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetPefConfigurationParameters, admin, new SetPefConfigurationParametersHandler(PefSettings, pefProgress, alertString).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetPefConfigurationParameters, operatorLevel, new GetPefConfigurationParametersHandler(PefSettings, pefProgress, host.SystemGuid, alertString).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetLastProcessedEventId, admin, new SetLastProcessedEventIdHandler(PefEngine).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetLastProcessedEventId, admin, new GetLastProcessedEventIdHandler(host.Sel, PefEngine).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorReading, user, new GetSensorReadingHandler(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorThresholds, user, new GetSensorThresholdsHandler(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorThresholds, operatorLevel, new SetSensorThresholdsHandler(Sensors, host.Sensors, host.Settings).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorHysteresis, operatorLevel, new SetSensorHysteresisHandler(Sensors, host.Sensors, host.Settings).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorHysteresis, user, new GetSensorHysteresisHandler(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorEventEnable, user, new GetSensorEventEnableHandler(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorEventEnable, operatorLevel, new SetSensorEventEnableHandler(Sensors, host.Sensors).Handle);

        // Storage: FRU, SDR repository, SEL
        Add(NetFn.Storage, StorageCommand.GetFruInventoryAreaInfo, user, new GetFruInventoryAreaInfoHandler(fru).Handle);
        Add(NetFn.Storage, StorageCommand.ReadFruData, user, new ReadFruDataHandler(fru).Handle);
        Add(NetFn.Storage, StorageCommand.WriteFruData, operatorLevel, new WriteFruDataHandler(fru).Handle);
        Add(NetFn.Storage, StorageCommand.GetSdrRepositoryInfo, user, new GetSdrRepositoryInfoHandler(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.ReserveSdrRepository, user, new ReserveSdrRepositoryHandler(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.GetSdr, user, new GetSdrHandler(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelInfo, user, new GetSelInfoHandler(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.ReserveSel, user, new ReserveSelHandler(_selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelEntry, user, new GetSelEntryHandler(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.AddSelEntry, operatorLevel, new AddSelEntryHandler(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.DeleteSelEntry, operatorLevel, new DeleteSelEntryHandler(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.ClearSel, operatorLevel, new ClearSelHandler(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelTime, user, new GetSelTimeHandler(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.SetSelTime, operatorLevel, new SetSelTimeHandler(host.Sel).Handle);

        // Transport
        Add(NetFn.Transport, TransportCommand.SetLanConfigurationParameters, admin, new SetLanConfigurationParametersHandler(host.Network, channel, lanProgress, disabledVlan, host.Accounts, PefSettings).Handle);
        Add(NetFn.Transport, TransportCommand.GetLanConfigurationParameters, operatorLevel, new GetLanConfigurationParametersHandler(host.Network, channel, lanProgress, disabledVlan, host.Accounts, PefSettings).Handle);
        Add(NetFn.Transport, TransportCommand.SetSolConfigurationParameters, admin, new SetSolConfigurationParametersHandler(host.Sol, solProgress).Handle);
        Add(NetFn.Transport, TransportCommand.GetSolConfigurationParameters, user, new GetSolConfigurationParametersHandler(host.Sol, solProgress, () => PayloadPort).Handle);

        // DCMI
        Add(NetFn.GroupExtension, DcmiCommand.GetDcmiCapabilitiesInfo, user, new GetDcmiCapabilitiesInfoHandler(host.Sel, host.Board.Description.SensorPollMs).Handle);
        Add(NetFn.GroupExtension, DcmiCommand.GetPowerReading, user, new GetPowerReadingHandler(_power, host.Time).Handle);
        Add(NetFn.GroupExtension, DcmiCommand.GetPowerLimit, user, new GetPowerLimitHandler(host.PowerLimit).Handle);
        Add(NetFn.GroupExtension, DcmiCommand.SetPowerLimit, operatorLevel, new SetPowerLimitHandler(host.PowerLimit).Handle);
        Add(NetFn.GroupExtension, DcmiCommand.ActivatePowerLimit, operatorLevel, new ActivatePowerLimitHandler(host.PowerLimit).Handle);

        // OEM (README.md in this folder)
        Add(OemCommand.NetFn, OemCommand.FrontPanelPin, admin, new FrontPanelPinHandler(host.FrontPanelPolicy).Handle);
        Add(OemCommand.NetFn, OemCommand.GetClusterJoin, admin, new GetClusterJoinHandler(host.ClusterJoin).Handle);
        Add(OemCommand.NetFn, OemCommand.SetClusterJoin, admin, new SetClusterJoinHandler(host.ClusterJoin).Handle);
        Add(OemCommand.NetFn, OemCommand.ReportClusterMembership, admin, new ReportClusterMembershipHandler(host.ClusterJoin).Handle);
        Add(OemCommand.NetFn, OemCommand.GetClusterMembership, operatorLevel, new GetClusterMembershipHandler(host.ClusterJoin).Handle);
    }

    public IpmiCommandTable Table { get; }

    public SensorDirectory Sensors { get; }

    public SdrRepository Sdr { get; }

    public DeviceId DeviceId { get; }

    /// <summary>Platform Event Filtering's configuration (PEF parameters, LAN alert destinations).</summary>
    public PefConfiguration PefSettings { get; }

    public PefEngine PefEngine { get; }

    /// <summary>The UDP port SOL payloads use: the session's own (set by the front door once bound).</summary>
    public int PayloadPort { get; set; } = 623;

    /// <summary>Every registered command and the privilege it needs.</summary>
    public IReadOnlyList<(NetFn NetFn, byte Command, PrivilegeLevel Required)> Registered => _registered;

    /// <summary>The commands only the host may send, through the system interface; over LAN they get D4h.</summary>
    public static IReadOnlyList<(NetFn NetFn, byte Command)> SystemInterfaceOnly { get; } = [(OemCommand.NetFn, OemCommand.ReportClusterMembership)];

    /// <summary>Puts the settings only IPMI keeps back to their factory values.</summary>
    public void ResetSettings()
    {
        _boot.ValidBitClearing = 0;
        PefSettings.Reset();
    }

    public void Dispose()
    {
        _host.Sensors.SettingsChanged -= RebuildSdr;
        _selIndex.Dispose();
        _power.Dispose();
        _bootFlagValidBit.Dispose();
        _linkAuthentication.Dispose();
        PefEngine.Dispose();
    }

    private void RebuildSdr(Sensors.SensorState sensor) => Sdr.Rebuild(_host.Time.GetUtcNow());

    private void Add(NetFn netFn, byte command, PrivilegeLevel required, IpmiCommandHandler handler)
    {
        _registered.Add((netFn, command, required));

        // The session layer checks the session's level; a cipher suite limited below it caps it further.
        Table.Register(netFn, command, required, (request, context, ct) =>
            _channel.EffectivePrivilege(context) < required ? Reply.Error(CompletionCode.InsufficientPrivilege) : handler(request, context, ct));
    }
}
