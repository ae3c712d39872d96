namespace Appliance.Throttling;

/// <summary>
/// A growing delay per key (a source address, or an address and a user name) that keeps failing to
/// log in, as its <see cref="FailureThrottlePolicy"/> says. Only the failing key waits; a success
/// forgets its failures. Time is the monotonic clock of the <see cref="TimeProvider"/>, so a change
/// of the wall clock neither frees nor holds anyone. Every key passes through the key function first
/// (e.g. <see cref="SourceAddress.Of"/>), so the callers hand over what they have.
/// </summary>
public sealed class FailureThrottle<TKey>
    where TKey : notnull
{
    private readonly Lock _sync = new();
    private readonly Dictionary<TKey, Record> _records = [];
    private readonly TimeProvider _time;
    private readonly Func<TKey, TKey> _keyOf;

    /// <param name="keyOf">The key as the throttle counts it; the key itself when not given.</param>
    public FailureThrottle(FailureThrottlePolicy policy, TimeProvider time, Func<TKey, TKey>? keyOf = null)
    {
        Policy = policy;
        _time = time;
        _keyOf = keyOf ?? (key => key);
    }

    public FailureThrottlePolicy Policy { get; }

    /// <summary>How long <paramref name="key"/> must still wait before it may try again; zero when it may now.</summary>
    public TimeSpan Wait(TKey key)
    {
        key = _keyOf(key);
        long now = _time.GetTimestamp();
        lock (_sync)
        {
            if (!_records.TryGetValue(key, out Record r))
            {
                return TimeSpan.Zero;
            }

            TimeSpan left = Policy.DelayAfter(r.Failures) - _time.GetElapsedTime(r.Last, now);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void Failure(TKey key)
    {
        key = _keyOf(key);
        long now = _time.GetTimestamp();
        lock (_sync)
        {
            if (!_records.TryGetValue(key, out Record r) || _time.GetElapsedTime(r.Last, now) >= Policy.ForgetAfter)
            {
                if (!_records.ContainsKey(key) && _records.Count >= Policy.MaxTracked)
                {
                    Prune(now, makeRoom: true);
                }

                r = new Record(now, 0);
            }

            _records[key] = new Record(now, r.Failures + 1);
        }
    }

    public void Success(TKey key)
    {
        lock (_sync)
        {
            _records.Remove(_keyOf(key));
        }
    }

    /// <summary>Forgets the failures of every key <paramref name="which"/> picks (an unlock).</summary>
    public void Forget(Func<TKey, bool> which)
    {
        lock (_sync)
        {
            foreach (TKey key in _records.Keys.Where(which).ToList())
            {
                _records.Remove(key);
            }
        }
    }

    /// <summary>Drops the keys whose failures are forgotten by now.</summary>
    public void Prune()
    {
        lock (_sync)
        {
            Prune(_time.GetTimestamp(), makeRoom: false);
        }
    }

    private void Prune(long now, bool makeRoom)
    {
        TKey? stalest = default;
        long stalestAt = long.MaxValue;
        foreach (var (key, r) in _records)
        {
            if (_time.GetElapsedTime(r.Last, now) >= Policy.ForgetAfter)
            {
                _records.Remove(key);
            }
            else if (r.Last < stalestAt)
            {
                (stalest, stalestAt) = (key, r.Last);
            }
        }

        if (makeRoom && _records.Count >= Policy.MaxTracked && stalestAt != long.MaxValue)
        {
            _records.Remove(stalest!);
        }
    }

    private readonly record struct Record(long Last, int Failures);
}
