using Appliance.Bmc.Power;
using Appliance.Bmc.Sensors;
using Appliance.Hw;
using Appliance.Hw.Boards;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using RestorePolicy = Appliance.Ipmi.Commands.PowerRestorePolicy;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Get Chassis Status (IPMI v2.0 section 28.2): power from PS_PWROK, the restore policy, the last
/// power event, intrusion from the CHASSIS_INTRUSION line, front-panel lockout and the button
/// enables from the front-panel policy, a cooling fault when a fan is below its critical threshold
/// or has stopped answering, and the identify LED.
/// </summary>
public sealed class GetChassisStatusHandler(BmcCore host, PowerRequests requests)
{
    private readonly bool _hasIntrusionSwitch = host.Board.Description.Gpio.Lines.Any(l => l.Name == LineNames.ChassisIntrusion);
    private readonly SensorState[] _fans = host.Sensors.All.Where(s => s.Description.Kind == SensorKind.FanSpeed).ToArray();

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        // Power, the intrusion switch and the stored policy are read from the board and the disk.
        return Reply.Offload(() => IpmiResponse.Ok(Current().Encode()));
    }

    public ChassisStatus Current()
    {
        PowerControl power = host.Power;
        bool on = power.IsPoweredOn;
        RestartCause cause = power.LastRestartCause;
        LastPowerEvent lastEvent = cause switch
        {
            RestartCause.ChassisControl => LastPowerEvent.PowerOnViaIpmiCommand,
            RestartCause.AlwaysRestorePolicy or RestartCause.PreviousStateRestorePolicy => LastPowerEvent.AcFailed,
            _ => LastPowerEvent.None,
        };
        bool coolingFault = _fans.Any(f =>
            (f.Asserted & (ThresholdLevel.LowerCritical | ThresholdLevel.LowerNonRecoverable)) != 0
            || (on && f.Status == SensorStatus.Unavailable));
        ChassisIdentifyState identify = !host.Identify.Active ? ChassisIdentifyState.Off
            : host.Identify.Indefinite ? ChassisIdentifyState.IndefiniteOn
            : ChassisIdentifyState.TemporaryOn;
        return new ChassisStatus(
            PowerOn: on,
            PowerOverload: false,
            PowerInterlock: false,
            PowerFault: false,
            PowerControlFault: requests.LastFailed,
            RestorePolicy: (RestorePolicy)(byte)power.RestorePolicy,
            LastPowerEvent: lastEvent,
            ChassisIntrusion: _hasIntrusionSwitch && host.Board.Lines.IsAsserted(LineNames.ChassisIntrusion),
            FrontPanelLockout: host.FrontPanelPolicy.LockoutActive,
            DriveFault: false,
            CoolingFault: coolingFault,
            IdentifyState: identify,
            FrontPanelButtonCapabilities: (byte)(((byte)host.FrontPanelPolicy.Present << 4) | (byte)host.FrontPanelPolicy.Disabled));
    }
}
