namespace Appliance.Hw.Sim.Physics;

/// <summary>
/// The board's simulated time: continuous physics is integrated up to "now" whenever something is
/// observed (<see cref="Step"/>), and discrete events (power good, POST complete) fire from timers on
/// the <see cref="TimeProvider"/>. Timers run their events under the board's lock, stepping the
/// physics first, and let the board deliver what changed once the lock is released.
/// </summary>
internal sealed class PhysicsClock(TimeProvider time, Lock gate, Action<double> integrate, Action afterEvent)
{
    private readonly HashSet<ITimer> _timers = [];
    private DateTimeOffset _lastStep = time.GetUtcNow();
    private bool _stopped;

    /// <summary>Integrates the physics up to now. Call under the board's lock.</summary>
    public void Step()
    {
        DateTimeOffset now = time.GetUtcNow();
        double seconds = (now - _lastStep).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        _lastStep = now;
        integrate(seconds);
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of simulated time; from any thread.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        lock (gate)
        {
            if (_stopped)
            {
                return;
            }

            ITimer? timer = null;
            timer = time.CreateTimer(_ =>
            {
                lock (gate)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    _timers.Remove(timer!);
                    Step();
                    action();
                }

                timer!.Dispose();
                afterEvent();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Cancels every pending event; none is scheduled from then on. Call under the board's lock.</summary>
    public void Stop()
    {
        _stopped = true;
        foreach (ITimer timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }
}
