using Appliance.Bmc.Power;
using Appliance.Ipmi;
using Appliance.Ipmi.Commands;
using ControlAction = Appliance.Ipmi.Commands.ChassisControl;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// Chassis Control (IPMI v2.0 section 28.3): power up, power down, power cycle, hard reset,
/// diagnostic interrupt and soft shutdown, all through the one power state machine. The answer
/// says the request was accepted; it does not wait for the transition (Get Chassis Status shows it).
/// </summary>
public sealed class ChassisControlHandler(PowerControl power, PowerRequests requests, BootFlagValidBit bootFlagValidBit)
{
    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (!ChassisControlCodec.TryDecode(request.Span, out ControlAction control, out byte cc))
        {
            return Reply.Error(cc);
        }

        bootFlagValidBit.ChassisControlReceived();

        PowerAction action = control switch
        {
            ControlAction.PowerDown => PowerAction.ForceOff,
            ControlAction.PowerUp => PowerAction.On,
            ControlAction.PowerCycle => PowerAction.PowerCycle,
            ControlAction.HardReset => PowerAction.HardReset,
            ControlAction.PulseDiagnosticInterrupt => PowerAction.Nmi,
            _ => PowerAction.GracefulShutdown,
        };
        uint session = context.SessionId;

        // Starting an action drives GPIO lines and stores the restart cause: off the receive loop.
        return Reply.Offload(() =>
        {
            long now = Environment.TickCount64;
            if (requests.IsRepeat(session, action, now))
            {
                return IpmiResponse.Ok();
            }

            PowerRequestResult result = power.Request(action, RestartCause.ChassisControl);
            switch (result.Outcome)
            {
                case PowerRequestOutcome.Accepted:
                    requests.Accepted(session, action, result.Completion, now);
                    return IpmiResponse.Ok();
                case PowerRequestOutcome.NotInThisState:
                    return IpmiResponse.Error(CompletionCode.NotSupportedInPresentState);
                default:
                    return IpmiResponse.Error(CompletionCode.NodeBusy);
            }
        });
    }
}
