using Appliance.Bmc.Chassis;
using Appliance.Bmc.Power;
using Appliance.Hw;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// When the BMC clears the boot flag valid bit by itself (IPMI v2.0 section 28.12, boot option
/// parameter 3). Boot flags set over IPMI are meant for the restart the same console starts with
/// Chassis Control, so the valid bit goes
/// <list type="bullet">
/// <item>60 seconds after they were set when neither a Chassis Control command nor a boot follows
/// (every Chassis Control command restarts the countdown), unless bit 3 says to keep them;</item>
/// <item>when the host starts by its power button or a wake event (unless bit 0), restarts by its
/// reset button or a soft reset (bit 1), or by the watchdog (bit 2), or by PEF (bit 4).</item>
/// </list>
/// A boot (POST complete) means the firmware has read the flags: from then on they stay as they
/// are. Only flags set with Set System Boot Options are watched: a Redfish boot override is not.
/// </summary>
public sealed class BootFlagValidBit : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Never = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Parameter 3 bit 3: don't clear the valid bit when no Chassis Control command follows within 60 seconds.</summary>
    public const byte KeepOnTimeout = 0x08;

    /// <summary>Parameter 3 bit 0: don't clear the valid bit when the power button or a wake event starts the host.</summary>
    public const byte KeepOnPowerButton = 0x01;

    /// <summary>Parameter 3 bit 1: don't clear the valid bit on a reset button press or a soft reset.</summary>
    public const byte KeepOnResetButton = 0x02;

    /// <summary>Parameter 3 bit 2: don't clear the valid bit when the watchdog resets or power cycles the host.</summary>
    public const byte KeepOnWatchdog = 0x04;

    /// <summary>Parameter 3 bit 4: don't clear the valid bit when PEF resets or power cycles the host.</summary>
    public const byte KeepOnPef = 0x10;

    private readonly BootOptions _boot;
    private readonly BootParameters _parameters;
    private readonly PowerControl _power;
    private readonly ITimer _timer;
    private readonly IDisposable _post;
    private readonly Lock _lock = new();
    private BootOverride? _armedFor;

    public BootFlagValidBit(BootOptions boot, BootParameters parameters, PowerControl power, Board board, TimeProvider time)
    {
        _boot = boot;
        _parameters = parameters;
        _power = power;
        _timer = time.CreateTimer(_ => Expire(), null, Never, Never);
        _post = board.Lines.OnChange(LineNames.PostComplete, completed =>
        {
            if (completed)
            {
                Disarm(); // the firmware has read the flags
            }
        });
        _power.Restarting += HostRestarting;
    }

    /// <summary>Set System Boot Options has just stored these boot flags.</summary>
    public void FlagsSet(BootOverride flags)
    {
        lock (_lock)
        {
            bool valid = flags.Enabled != BootOverrideEnabled.Disabled;
            _armedFor = valid ? flags : null;
            _timer.Change(valid ? Timeout : Never, Never);
        }
    }

    /// <summary>A Chassis Control command arrived: the countdown starts again.</summary>
    public void ChassisControlReceived()
    {
        lock (_lock)
        {
            if (_armedFor is not null)
            {
                _timer.Change(Timeout, Never);
            }
        }
    }

    public void Dispose()
    {
        _power.Restarting -= HostRestarting;
        _post.Dispose();
        _timer.Dispose();
    }

    /// <summary>The parameter 3 bit that keeps the flags through a restart of this cause; 0 when nothing clears them.</summary>
    private static byte KeepBitFor(RestartCause cause) => cause switch
    {
        RestartCause.PowerButton or RestartCause.RealTimeClock => KeepOnPowerButton,
        RestartCause.ResetButton or RestartCause.SoftReset => KeepOnResetButton,
        RestartCause.Watchdog => KeepOnWatchdog,
        RestartCause.PefReset or RestartCause.PefPowerCycle => KeepOnPef,

        // Chassis Control is what the flags are for; a restore policy or an unknown cause is no console's doing either way.
        _ => 0,
    };

    private void HostRestarting(RestartCause cause)
    {
        byte keep = KeepBitFor(cause);
        if (keep != 0 && (_parameters.ValidBitClearing & keep) == 0)
        {
            ClearValidBit();
        }
    }

    private void Disarm()
    {
        lock (_lock)
        {
            TakeArmedLocked();
        }
    }

    /// <summary>Stops watching and returns the flags that were watched, if any.</summary>
    private BootOverride? TakeArmedLocked()
    {
        BootOverride? armed = _armedFor;
        _armedFor = null;
        _timer.Change(Never, Never);
        return armed;
    }

    // With bit 3 set the flags outlive the countdown but stay watched: a button or watchdog restart may still clear them.
    private void Expire()
    {
        if ((_parameters.ValidBitClearing & KeepOnTimeout) == 0)
        {
            ClearValidBit();
        }
    }

    private void ClearValidBit()
    {
        lock (_lock)
        {
            BootOverride? armed = TakeArmedLocked();

            // Only the flags this was armed for: not ones changed since (by Redfish, or used up by a boot).
            if (armed is not null && _boot.Current == armed)
            {
                _boot.Set(armed with { Enabled = BootOverrideEnabled.Disabled, PersistentWhileDisabled = armed.Persistent });
            }
        }
    }
}
