using Appliance.Bmc.Watchdog;
using Appliance.Ipmi;

namespace Appliance.Bmc.Ipmi.App;

/// <summary>Reset Watchdog Timer (IPMI v2.0 section 27.5): starts the countdown again from its initial value.</summary>
public sealed class ResetWatchdogTimerHandler(HostWatchdog watchdog)
{
    /// <summary>Command-specific completion code: attempt to start an un-initialized watchdog.</summary>
    public const byte Uninitialized = 0x80;

    public ValueTask<IpmiResponse> Handle(IpmiRequest request, IpmiCallContext context, CancellationToken ct)
    {
        if (request.Data.Length != 0)
        {
            return Reply.BadLength();
        }

        return watchdog.Reset() ? Reply.Ok() : Reply.Error(Uninitialized);
    }
}
