using System.Net;

namespace Appliance.Ipmi.Server;

/// <summary>
/// Counts failed authentications per source address in a fixed window; an address over the limit
/// may not open sessions until its window ends. Bounded: the oldest windows go first when full.
/// </summary>
internal sealed class AuthenticationRateLimiter
{
    private const int MaxTrackedAddresses = 1024;

    private readonly Lock _sync = new();
    private readonly Dictionary<IPAddress, Window> _windows = [];
    private readonly TimeProvider _time;
    private readonly int _limit;
    private readonly TimeSpan _length;

    public AuthenticationRateLimiter(TimeProvider time, int limit, TimeSpan length)
    {
        _time = time;
        _limit = limit;
        _length = length;
    }

    public bool IsBlocked(IPAddress address)
    {
        lock (_sync)
        {
            return _windows.TryGetValue(address, out var w) && w.Failures >= _limit && _time.GetElapsedTime(w.Start) < _length;
        }
    }

    public void RecordFailure(IPAddress address)
    {
        long now = _time.GetTimestamp();
        lock (_sync)
        {
            if (!_windows.TryGetValue(address, out var w) || _time.GetElapsedTime(w.Start, now) >= _length)
            {
                if (_windows.Count >= MaxTrackedAddresses)
                {
                    Prune(now, force: true);
                }

                w = new Window(now, 0);
            }

            _windows[address] = w with { Failures = w.Failures + 1 };
        }
    }

    public void Prune()
    {
        lock (_sync)
        {
            Prune(_time.GetTimestamp(), force: false);
        }
    }

    private void Prune(long now, bool force)
    {
        IPAddress? oldest = null;
        long oldestStart = long.MaxValue;
        List<IPAddress>? done = null;
        foreach (var (address, w) in _windows)
        {
            if (_time.GetElapsedTime(w.Start, now) >= _length)
            {
                (done ??= []).Add(address);
            }
            else if (w.Start < oldestStart)
            {
                oldestStart = w.Start;
                oldest = address;
            }
        }

        if (done is not null)
        {
            foreach (var a in done)
            {
                _windows.Remove(a);
            }
        }
        else if (force && oldest is not null)
        {
            _windows.Remove(oldest);
        }
    }

    private readonly record struct Window(long Start, int Failures);
}
