using Appliance.Bmc.Ipmi.App;
using Appliance.Bmc.Ipmi.Chassis;
using Appliance.Bmc.Ipmi.Dcmi;
using Appliance.Bmc.Ipmi.Oem;
using Appliance.Bmc.Ipmi.Sensor;
using Appliance.Bmc.Ipmi.Storage;
using Appliance.Bmc.Ipmi.Transport;
using Appliance.Bmc.Watchdog;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using Microsoft.Extensions.Logging;
using ChassisIdentifyCommand = Appliance.Bmc.Ipmi.Chassis.ChassisIdentify;
using ChassisControlCommand = Appliance.Bmc.Ipmi.Chassis.ChassisControl;

namespace Appliance.Bmc.Ipmi;

/// <summary>
/// Every IPMI command the BMC answers, with the privilege it needs (IPMI v2.0 appendix G), and
/// the handler that answers it. The session layer in Appliance.Ipmi answers the session commands
/// itself (Get Channel Authentication Capabilities, Get Channel Cipher Suites, Get System GUID,
/// Set Session Privilege Level, Close Session, Get Session Info).
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

    public IpmiCommands(BmcCore host, HostWatchdog watchdog, LanChannel channel, ChannelSecurityKeys keys, BmcLifetime lifetime, ILogger logger)
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
        var deviceId = new GetDeviceId();
        DeviceId = deviceId.Identity;

        const PrivilegeLevel user = PrivilegeLevel.User;
        const PrivilegeLevel operatorLevel = PrivilegeLevel.Operator;
        const PrivilegeLevel admin = PrivilegeLevel.Administrator;

        // App
        Add(NetFn.App, AppCommand.GetDeviceId, user, deviceId.Handle);
        Add(NetFn.App, AppCommand.ColdReset, admin, new ColdReset(lifetime).Handle);
        Add(NetFn.App, AppCommand.GetSelfTestResults, user, new GetSelfTestResults(host).Handle);
        Add(NetFn.App, AppCommand.GetDeviceGuid, user, new GetDeviceGuid(host.DeviceGuid).Handle);
        Add(NetFn.App, AppCommand.ResetWatchdogTimer, operatorLevel, new ResetWatchdogTimer(watchdog).Handle);
        Add(NetFn.App, AppCommand.SetWatchdogTimer, operatorLevel, new SetWatchdogTimer(watchdog).Handle);
        Add(NetFn.App, AppCommand.GetWatchdogTimer, user, new GetWatchdogTimer(watchdog).Handle);
        Add(NetFn.App, AppCommandMore.SetChannelAccess, admin, new SetChannelAccess(channel).Handle);
        Add(NetFn.App, AppCommand.GetChannelAccess, user, new GetChannelAccess(channel).Handle);
        Add(NetFn.App, AppCommandMore.SetChannelSecurityKeys, admin, new SetChannelSecurityKeys(keys).Handle);
        Add(NetFn.App, AppCommand.GetChannelInfo, user, new GetChannelInfo().Handle);
        Add(NetFn.App, AppCommand.SetUserAccess, admin, new SetUserAccess(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.GetUserAccess, operatorLevel, new GetUserAccess(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.SetUserName, admin, new SetUserName(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.GetUserName, operatorLevel, new GetUserName(host.Accounts).Handle);
        Add(NetFn.App, AppCommand.SetUserPassword, admin, new SetUserPassword(host.Accounts).Handle);

        // Chassis
        var status = new GetChassisStatus(host, powerRequests);
        Add(NetFn.Chassis, ChassisCommand.GetChassisCapabilities, user, new GetChassisCapabilities(host).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetChassisStatus, user, status.Handle);
        Add(NetFn.Chassis, ChassisCommand.ChassisControl, operatorLevel, new ChassisControlCommand(host.Power, powerRequests, bootFlagValidBit).Handle);
        Add(NetFn.Chassis, ChassisCommand.ChassisIdentify, operatorLevel, new ChassisIdentifyCommand(host.Identify).Handle);
        Add(NetFn.Chassis, ChassisCommand.SetPowerRestorePolicy, operatorLevel, new SetPowerRestorePolicy(host.Power).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetSystemRestartCause, user, new GetSystemRestartCause(host.Power).Handle);
        Add(NetFn.Chassis, ChassisCommandMore.SetFrontPanelEnables, admin, new SetFrontPanelEnables(host.FrontPanelPolicy).Handle);
        Add(NetFn.Chassis, ChassisCommand.SetSystemBootOptions, operatorLevel, new SetSystemBootOptions(host.Boot, boot, bootFlagValidBit).Handle);
        Add(NetFn.Chassis, ChassisCommand.GetSystemBootOptions, operatorLevel, new GetSystemBootOptions(host.Boot, boot).Handle);

        // Sensor/Event
        Add(NetFn.SensorEvent, SensorEventCommand.PlatformEvent, operatorLevel, new PlatformEvent(host.Sel).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorReading, user, new GetSensorReading(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorThresholds, user, new GetSensorThresholds(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorThresholds, operatorLevel, new SetSensorThresholds(Sensors, host.Sensors, host.Settings).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorHysteresis, operatorLevel, new SetSensorHysteresis(Sensors, host.Sensors, host.Settings).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorHysteresis, user, new GetSensorHysteresis(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.GetSensorEventEnable, user, new GetSensorEventEnable(Sensors).Handle);
        Add(NetFn.SensorEvent, SensorEventCommand.SetSensorEventEnable, operatorLevel, new SetSensorEventEnable(Sensors, host.Sensors).Handle);

        // Storage: FRU, SDR repository, SEL
        Add(NetFn.Storage, StorageCommand.GetFruInventoryAreaInfo, user, new GetFruInventoryAreaInfo(fru).Handle);
        Add(NetFn.Storage, StorageCommand.ReadFruData, user, new ReadFruData(fru).Handle);
        Add(NetFn.Storage, StorageCommand.WriteFruData, operatorLevel, new WriteFruData(fru).Handle);
        Add(NetFn.Storage, StorageCommand.GetSdrRepositoryInfo, user, new GetSdrRepositoryInfo(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.ReserveSdrRepository, user, new ReserveSdrRepository(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.GetSdr, user, new GetSdr(Sdr).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelInfo, user, new GetSelInfo(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.ReserveSel, user, new ReserveSel(_selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelEntry, user, new GetSelEntry(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.AddSelEntry, operatorLevel, new AddSelEntry(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.DeleteSelEntry, operatorLevel, new DeleteSelEntry(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.ClearSel, operatorLevel, new ClearSel(host.Sel, _selIndex).Handle);
        Add(NetFn.Storage, StorageCommand.GetSelTime, user, new GetSelTime(host.Sel).Handle);
        Add(NetFn.Storage, StorageCommand.SetSelTime, operatorLevel, new SetSelTime(host.Sel).Handle);

        // Transport
        Add(NetFn.Transport, TransportCommand.SetLanConfigurationParameters, admin, new SetLanConfigurationParameters(host.Network, channel, lanProgress, disabledVlan, host.Accounts).Handle);
        Add(NetFn.Transport, TransportCommand.GetLanConfigurationParameters, operatorLevel, new GetLanConfigurationParameters(host.Network, channel, lanProgress, disabledVlan, host.Accounts).Handle);

        // DCMI
        Add(NetFn.GroupExtension, DcmiCommand.GetDcmiCapabilitiesInfo, user, new GetDcmiCapabilitiesInfo(host.Sel, host.Board.Description.SensorPollMs).Handle);
        Add(NetFn.GroupExtension, DcmiCommand.GetPowerReading, user, new GetPowerReading(_power, host.Time).Handle);

        // OEM (README.md in this folder)
        Add(OemCommand.NetFn, OemCommand.FrontPanelPin, admin, new FrontPanelPin(host.FrontPanelPolicy).Handle);
    }

    public IpmiCommandTable Table { get; }

    public SensorDirectory Sensors { get; }

    public SdrRepository Sdr { get; }

    public DeviceId DeviceId { get; }

    /// <summary>Every registered command and the privilege it needs.</summary>
    public IReadOnlyList<(NetFn NetFn, byte Command, PrivilegeLevel Required)> Registered => _registered;

    /// <summary>Puts the settings only IPMI keeps back to their factory values.</summary>
    public void ResetSettings() => _boot.ValidBitClearing = 0;

    public void Dispose()
    {
        _host.Sensors.SettingsChanged -= RebuildSdr;
        _selIndex.Dispose();
        _power.Dispose();
        _bootFlagValidBit.Dispose();
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
