using Appliance.Bmc.Chassis;
using Appliance.Hw;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// The boot flag valid bit's 60-second timeout (IPMI v2.0 section 28.12, boot option parameter 3
/// bit 3): boot flags set over IPMI are meant for a restart that the same console starts with
/// Chassis Control, so when neither a Chassis Control command nor a boot follows within 60 seconds
/// the BMC clears the valid bit. Every Chassis Control command restarts the countdown; a boot (POST
/// complete) ends it, and so does parameter 3 bit 3 ("don't clear on timeout"). Only flags set with
/// Set System Boot Options are timed: a Redfish boot override does not expire.
/// </summary>
public sealed class BootFlagValidTimer : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Parameter 3 bit 3: don't clear the valid bit when no Chassis Control command follows within 60 seconds.</summary>
    public const byte KeepOnTimeout = 0x08;

    private readonly BootOptions _boot;
    private readonly BootParameters _parameters;
    private readonly ITimer _timer;
    private readonly IDisposable _post;
    private readonly Lock _lock = new();
    private BootOverride? _armedFor;

    public BootFlagValidTimer(BootOptions boot, BootParameters parameters, Board board, TimeProvider time)
    {
        _boot = boot;
        _parameters = parameters;
        _timer = time.CreateTimer(_ => Expire(), null, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        _post = board.Lines.OnChange("POST_COMPLETE", completed =>
        {
            if (completed)
            {
                Disarm(); // the firmware has read the flags
            }
        });
    }

    /// <summary>Set System Boot Options has just stored these boot flags.</summary>
    public void FlagsSet(BootOverride flags)
    {
        lock (_lock)
        {
            bool valid = flags.Enabled != BootOverrideEnabled.Disabled;
            _armedFor = valid ? flags : null;
            _timer.Change(valid ? Timeout : System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A Chassis Control command arrived: the countdown starts again.</summary>
    public void ChassisControlReceived()
    {
        lock (_lock)
        {
            if (_armedFor is not null)
            {
                _timer.Change(Timeout, System.Threading.Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        _post.Dispose();
        _timer.Dispose();
    }

    private void Disarm()
    {
        lock (_lock)
        {
            _armedFor = null;
            _timer.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
        }
    }

    private void Expire()
    {
        lock (_lock)
        {
            BootOverride? armed = _armedFor;
            _armedFor = null;

            // Only the flags this timer was started for: not ones changed since (by Redfish, or used up by a boot).
            if (armed is null || (_parameters.ValidBitClearing & KeepOnTimeout) != 0 || _boot.Current != armed)
            {
                return;
            }

            _boot.Set(armed with { Enabled = BootOverrideEnabled.Disabled });
        }
    }
}
