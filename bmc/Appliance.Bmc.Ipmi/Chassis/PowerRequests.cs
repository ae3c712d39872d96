using Appliance.Bmc.Power;

namespace Appliance.Bmc.Ipmi.Chassis;

/// <summary>
/// What Chassis Control asked of the power state machine, per session. FreeIPMI's ipmipower
/// retransmits with a new sequence number, so the session layer cannot tell a retransmission from
/// a new request: the same action on the same session while the first is still running is the
/// same request, answered without queueing a second cycle or reset. Also remembers whether the
/// last requested action failed, for Get Chassis Status's "power control fault".
/// </summary>
public sealed class PowerRequests
{
    /// <summary>How long a repeat is taken for a retransmission (FreeIPMI retransmits for up to its 20 s session timeout).</summary>
    public static readonly TimeSpan RetransmissionWindow = TimeSpan.FromSeconds(20);

    private readonly Lock _lock = new();
    private readonly Dictionary<uint, (PowerAction Action, Task<PowerResult> Completion, long At)> _running = [];
    private volatile bool _lastFailed;

    /// <summary>True when the last action asked through Chassis Control did not reach the desired state.</summary>
    public bool LastFailed => _lastFailed;

    public bool IsRepeat(uint sessionId, PowerAction action, long now)
    {
        lock (_lock)
        {
            return _running.TryGetValue(sessionId, out var r) && r.Action == action && !r.Completion.IsCompleted
                && TimeSpan.FromMilliseconds(now - r.At) < RetransmissionWindow;
        }
    }

    public void Accepted(uint sessionId, PowerAction action, Task<PowerResult> completion, long now)
    {
        lock (_lock)
        {
            foreach (uint done in _running.Where(p => p.Value.Completion.IsCompleted).Select(p => p.Key).ToList())
            {
                _running.Remove(done);
            }

            _running[sessionId] = (action, completion, now);
        }

        _ = completion.ContinueWith(t => _lastFailed = !t.Result.Succeeded, TaskContinuationOptions.OnlyOnRanToCompletion);
    }
}
